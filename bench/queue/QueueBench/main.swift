// Queue benchmark (not a test): trivial jobs against a private PostgreSQL cluster with
// default durability (fsync and synchronous_commit on). Measures
//   - enqueue: jobs/s inserted by BuildStore.create (one transaction, unnest arrays);
//   - claim+complete with batch sizes 1, 10, 100 by 4 concurrent claimers (threads, one
//     connection each) through JobQueue, and claim latency p50/p99 with 20 000 jobs queued;
//   - the same claim and complete SQL (generated from the embedded named statements) driven by
//     pgbench with 4 clients: what our SQL costs without the Swift client;
//   - the physical limit: the minimal SKIP LOCKED queue (MinimalQueue.swift) driven by pgbench
//     with 4 clients, in the same cluster, and our throughput as a ratio of it;
//   - PostgreSQL CPU per job for each (PostgresCPU.swift: /proc of the postmaster and its children).
// The machine is shared: the three alternate within each round, and every figure is the median
// of the rounds with its range.
// Usage: illuminati-queue-bench [--state DIR] [--quick] [--rounds N]
// The last line is:
// RESULT jobs_per_s_batch1=… jobs_per_s_batch100=… limit_batch1=… limit_batch100=… ratio_batch1=… ratio_batch100=… claim_p99_ms=…
import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiSchema
import Logging

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("illuminati-queue-bench: \(message)\n".utf8))
    exit(1)
}

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

let quick = CommandLine.arguments.contains("--quick")
let stateDirectory = argument("state") ?? FileManager.default.currentDirectoryPath + "/bench/out/queue-state"
var clusterLogger = Logger(label: "bench.cluster")
clusterLogger.logLevel = .warning

func binDirectory() -> String {
    if let configured = ProcessInfo.processInfo.environment["ILLUMINATI_PG_BINDIR"], !configured.isEmpty { return configured }
    let base = "/usr/lib/postgresql"
    let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted(by: >)
    for version in versions where FileManager.default.isExecutableFile(atPath: "\(base)/\(version)/bin/pgbench") {
        return "\(base)/\(version)/bin"
    }
    fail("pgbench not found (install postgresql-15 or set ILLUMINATI_PG_BINDIR)")
}

// MARK: - Measurements

struct Percentiles {
    static func of(_ samples: [Double], _ quantile: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * quantile).rounded(.down)))]
    }
}

final class Samples: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    private var total = 0
    func add(_ batch: [Double], jobs: Int) { lock.lock(); values += batch; total += jobs; lock.unlock() }
    var all: [Double] { lock.lock(); defer { lock.unlock() }; return values }
    var jobs: Int { lock.lock(); defer { lock.unlock() }; return total }
}

let clients = 4

func seconds(since start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start).inSeconds
}

/// A fresh build of `count` noop jobs in one stage; returns (build, seconds to create it).
func plan(_ db: DatabaseConnection, experiment: Int64, count: Int) throws -> (Int64, Double) {
    let jobs = (0..<count).map { JobSpec(kind: "noop", payload: "{\"tile\":\($0)}", locality: Int64($0)) }
    let start = ContinuousClock.now
    let build = try BuildStore(db).create(BuildPlan(experimentID: experiment, layers: [LayerPlan(name: "bench", stages: [jobs])]))
    return (build, seconds(since: start))
}

func vacuum(_ db: DatabaseConnection) throws {
    for command in ["VACUUM (ANALYZE) jobs", "VACUUM (ANALYZE) job_history", "CHECKPOINT"] {
        try db.executeScript(command, name: command)
    }
}

/// 4 threads, each with its own connection and claimer: claim `batch`, complete them, until it
/// has done its quarter of `jobs` (or the queue is empty).
func drain<C: Claimer>(_ claimer: C.Type, conninfo: String, worker: WorkerID, batch: Int, jobs total: Int) throws
    -> (jobsPerSecond: Double, claimMillis: [Double]) {
    let connections = try (0..<clients).map { _ in try DatabaseConnection(conninfo: conninfo) }
    let samples = Samples()
    let ready = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0), done = DispatchGroup()
    for connection in connections {
        done.enter()
        Thread.detachNewThread {
            var queue = C(connection, worker: worker)
            var latencies: [Double] = [], jobs = 0
            ready.signal()
            go.wait()
            do {
                while jobs < total / clients {
                    let start = ContinuousClock.now
                    let claimed = try queue.claim(limit: min(batch, total / clients - jobs))
                    latencies.append((ContinuousClock.now - start).inSeconds * 1000)
                    if claimed == 0 { break }
                    jobs += try queue.completeClaimed()
                }
            } catch {
                fail("claimer: \(error)")
            }
            samples.add(latencies, jobs: jobs)
            done.leave()
        }
    }
    for _ in connections { ready.wait() }
    let start = ContinuousClock.now
    for _ in connections { go.signal() }
    done.wait()
    let elapsed = seconds(since: start)
    return (Double(samples.jobs) / elapsed, samples.all)
}

/// The claim statement turned into one row of arrays (pgbench's \gset needs exactly one row),
/// then the complete statement, with pgbench variables for the parameters.
func pgbenchScript() -> String {
    func body(_ statement: NamedStatement) -> String {
        statement.sql.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
    }
    var claim = body(QueueQueries.JobsClaim.statement)
    guard let update = claim.range(of: "\nUPDATE jobs AS j") else { fail("unexpected JobsClaim text") }
    claim.replaceSubrange(update, with: ",\nclaimed AS (\nUPDATE jobs AS j")
    claim += "\n)\nSELECT coalesce(array_agg(id), '{}') AS ids, coalesce(array_agg(attempt), '{}') AS attempts, count(*) AS n FROM claimed"
    // Resource and kind filters that let every job through, as for a worker that fits anything.
    claim = claim.replacingOccurrences(of: "$5::text[]", with: "NULL::text[]")
        .replacingOccurrences(of: "$3", with: "2147483647").replacingOccurrences(of: "$4", with: "2147483647")
        .replacingOccurrences(of: "$1", with: ":worker").replacingOccurrences(of: "$2", with: ":batch")
    var complete = body(QueueQueries.JobsComplete.statement)
    complete = complete.replacingOccurrences(of: "$1", with: ":worker")
        .replacingOccurrences(of: "$2::bigint[]", with: ":ids::bigint[]")
        .replacingOccurrences(of: "$3::integer[]", with: ":attempts::integer[]")
        .replacingOccurrences(of: "$4::jsonb[]", with: "array_fill(NULL::jsonb, ARRAY[:n::integer])")
    return claim + "\n\\gset\n" + complete + ";\n"
}

func runPgbench(bin: String, cluster: EmbeddedCluster, database: String, script: String, worker: WorkerID, batch: Int,
                jobs: Int) throws -> Double {
    let transactions = jobs / (clients * batch)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: bin + "/pgbench")
    process.arguments = ["-n", "-M", "extended", "-c", "\(clients)", "-j", "\(clients)", "-t", "\(transactions)",
                         "-f", script, "-D", "worker=\(worker)", "-D", "batch=\(batch)",
                         "-h", cluster.socketDirectory, "-p", "\(cluster.port)", "-U", "postgres", database]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0,
          let line = text.split(separator: "\n").first(where: { $0.contains("tps =") && $0.contains("without initial") }),
          let tps = line.split(separator: " ").compactMap({ Double($0) }).first else {
        fail("pgbench failed:\n\(text)")
    }
    return tps * Double(batch)
}

// MARK: - Run

let cluster = try EmbeddedCluster(stateDirectory: stateDirectory, databaseName: "queuebench", logger: clusterLogger)
try cluster.start()
defer { cluster.release() }
let conninfo = cluster.conninfo
let db = try DatabaseConnection(conninfo: conninfo)
try db.executeScript("DROP SCHEMA IF EXISTS illuminati CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public;", name: "reset")
try Migrator(migrations: Schema.migrations).migrate(db)
let settings = try db.execute("SELECT current_setting('fsync') AS f, current_setting('synchronous_commit') AS s, version() AS v",
                              name: "settings").one()
print("PostgreSQL: \(try settings.string("v").split(separator: " ").prefix(2).joined(separator: " ")), fsync=\(try settings.string("f")), synchronous_commit=\(try settings.string("s"))")
print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; load average \(loadAverage())")
let experiment = try db.execute("""
    INSERT INTO experiments (name, plate_format, site_height, site_width, bit_depth, pyramid_height, pyramid_width,
                             pyramid_depth, manifest_path)
    VALUES ('bench', 1, 10, 10, 8, 100, 100, 3, '/bench') RETURNING id
    """, name: "experiment").one().int64("id")
let worker = try WorkerRegistry(db).register(WorkerInfo(hostname: "bench", kinds: ["noop"], concurrency: clients))
let bin = binDirectory()
let scriptPath = stateDirectory + "/claim-complete.pgbench"
try pgbenchScript().write(toFile: scriptPath, atomically: true, encoding: .utf8)

// Jobs processed per run, and jobs queued before each run (at least 20 000).
let processed: [Int: Int] = quick ? [1: 2_000, 10: 10_000, 100: 30_000] : [1: 6_000, 10: 30_000, 100: 100_000]
let rounds = argument("rounds").flatMap(Int.init) ?? (quick ? 1 : 5)
let minimalScriptPath = stateDirectory + "/minimal.pgbench"
try db.executeScript(MinimalQueue.schema, name: "minimal queue")
try MinimalQueue.pgbenchScript.write(toFile: minimalScriptPath, atomically: true, encoding: .utf8)
let cpu = try PostgresCPU(dataDirectory: cluster.dataDirectory)

// Enqueue.
let (firstBuild, enqueueSeconds) = try plan(db, experiment: experiment, count: 100_000)
print(String(format: "enqueue: 100000 jobs in %.2f s = %.0f jobs/s (one transaction)", enqueueSeconds, 100_000 / enqueueSeconds))
try BuildStore(db).cancel(firstBuild)

func resetQueue(_ count: Int) throws {
    try db.executeScript("DELETE FROM jobs; TRUNCATE job_history", name: "clear")
    try vacuum(db)
    _ = try plan(db, experiment: experiment, count: max(count, 20_000))
    try vacuum(db)
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

/// Runs `body` (which returns jobs/s and jobs done), with the cluster's CPU seconds per job.
func measured(_ body: () throws -> (rate: Double, jobs: Int)) throws -> (rate: Double, cpuMillisPerJob: Double) {
    let children = cpu.children.count
    let before = cpu.seconds()
    let (rate, jobs) = try body()
    cpu.settle(toAtMost: children)
    return (rate, (cpu.seconds() - before) * 1000 / Double(max(jobs, 1)))
}

/// Median and range of a series of runs.
struct Series {
    var values: [Double] = []
    var median: Double { Percentiles.of(values, 0.5) }
    func text(_ format: String) -> String {
        String(format: "\(format) [\(format)–\(format)]", median, values.min() ?? .nan, values.max() ?? .nan)
    }
}

/// Ours through the library; our SQL through pgbench; the minimal queue through pgbench (the
/// limit) and through our client (its claim latency beside ours).
enum Contender: String, CaseIterable { case library, ourSQL = "our SQL", limit, limitClient = "limit (client)" }
var rates: [Int: [Contender: Series]] = [:], cpuPerJob: [Int: [Contender: Series]] = [:]
var claimLatencies: [Contender: [Double]] = [:]
for batch in [1, 10, 100] {
    let count = processed[batch]!
    let contenders: [Contender] = batch == 10 ? [.library] : Contender.allCases
    for round in 1...rounds {
        for contender in contenders {
            var extra = ""
            let result: (rate: Double, cpuMillisPerJob: Double)
            switch contender {
            case .library, .limitClient:
                if contender == .library { try resetQueue(count) } else { try MinimalQueue.reset(db, count: max(count, 20_000)) }
                var latencies: [Double] = []
                result = try measured {
                    let (rate, samples) = contender == .library
                        ? try drain(LibraryClaimer.self, conninfo: conninfo, worker: worker, batch: batch, jobs: count)
                        : try drain(MinimalClaimer.self, conninfo: conninfo, worker: worker, batch: batch, jobs: count)
                    latencies = samples
                    return (rate, count)
                }
                if batch == 1 {
                    claimLatencies[contender, default: []] += latencies
                    extra = String(format: "; claim p50 %.2f ms, p99 %.2f ms (%d claims, %d queued at start)",
                                   Percentiles.of(latencies, 0.5), Percentiles.of(latencies, 0.99), latencies.count,
                                   max(count, 20_000))
                }
            case .ourSQL:
                try resetQueue(count)
                let before = try db.execute("SELECT count(*) AS n FROM jobs", name: "before").one().int("n")
                var done = 0
                result = try measured {
                    let rate = try runPgbench(bin: bin, cluster: cluster, database: cluster.databaseName, script: scriptPath,
                                              worker: worker, batch: batch, jobs: count)
                    done = before - (try db.execute("SELECT count(*) AS n FROM jobs", name: "after").one().int("n"))
                    return (rate, done)
                }
                extra = "; \(done) done"
            case .limit:
                try MinimalQueue.reset(db, count: max(count, 20_000))
                let before = try MinimalQueue.remaining(db)
                var done = 0
                result = try measured {
                    let rate = try runPgbench(bin: bin, cluster: cluster, database: cluster.databaseName,
                                              script: minimalScriptPath, worker: worker, batch: batch, jobs: count)
                    done = before - (try MinimalQueue.remaining(db))
                    return (rate, done)
                }
                extra = "; \(done) done"
            }
            rates[batch, default: [:]][contender, default: Series()].values.append(result.rate)
            cpuPerJob[batch, default: [:]][contender, default: Series()].values.append(result.cpuMillisPerJob)
            let name = contender.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
            print(name + String(format: " batch %3d, round %d: %9.0f jobs/s, PostgreSQL CPU %.3f ms/job",
                                batch, round, result.rate, result.cpuMillisPerJob) + ", load \(loadAverage())" + extra)
        }
    }
}

print("median [range] of \(rounds) rounds, jobs/s and PostgreSQL CPU ms per job (/proc of the postmaster and its children):")
for batch in [1, 10, 100] {
    for contender in Contender.allCases {
        guard let rate = rates[batch]?[contender], let cpuSeries = cpuPerJob[batch]?[contender] else { continue }
        print("  batch \(batch) \(contender.rawValue): \(rate.text("%.0f")) jobs/s, \(cpuSeries.text("%.3f")) ms CPU/job")
    }
}
let ours1 = rates[1]![.library]!.median, ours100 = rates[100]![.library]!.median
let limit1 = rates[1]![.limit]!.median, limit100 = rates[100]![.limit]!.median
let claimP99 = Percentiles.of(claimLatencies[.library]!, 0.99)
print(String(format: "ratio ours/limit (medians): batch 1 %.2f, batch 100 %.2f", ours1 / limit1, ours100 / limit100))
for (contender, latencies) in claimLatencies.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
    print("claim latency, batch 1, all rounds, \(contender.rawValue): " + String(format: "p50 %.2f ms, p99 %.2f ms (%d claims)",
          Percentiles.of(latencies, 0.5), Percentiles.of(latencies, 0.99), latencies.count))
}
print(String(format: "RESULT jobs_per_s_batch1=%.0f jobs_per_s_batch100=%.0f limit_batch1=%.0f limit_batch100=%.0f ratio_batch1=%.2f ratio_batch100=%.2f claim_p99_ms=%.2f",
             ours1, ours100, limit1, limit100, ours1 / limit1, ours100 / limit100, claimP99))
