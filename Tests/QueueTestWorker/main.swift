// A queue worker for the queue's process tests: the generic QueueWorker with a few trivial
// job kinds. Usage: illuminati-queue-test-worker --database CONNINFO [options]
//   --concurrency N --batch N --lease S --heartbeat S --poll S --reap S (0: no reaper)
//   --startup-timeout S --grace S --stop-when-build-finished ID --metrics-file PATH
//   --max-sleep-ms N (caps the sleep kind, so a second worker finishes what a first one hung on)
//   --cores N --memory MB (what the worker advertises; default 1 core, 1024 MB)
//   --kinds a,b (registers only these kinds; default: all)
// Kinds: noop; sleep (payload {"ms": N}, cancellable); block (payload {"ms": N}, holds its thread
// and ignores every stop, as a job stuck in a system call would); fail (retryable error);
// fail-permanent; echo (payload {"text": S}, returned as the result); record (inserts
// payload.tag into test_records); abort (kills the whole worker process, as a job that crashes
// its worker would).
// Exit status: 0 after a clean stop, 2 usage, 3 database unavailable at start, 1 other errors.
import Dispatch
import Foundation
import IlluminatiMetrics
import IlluminatiPostgres
import IlluminatiQueue
import Logging

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("illuminati-queue-test-worker: \(message)\n".utf8))
    exit(status)
}

func parseOptions() -> [String: String] {
    var options: [String: String] = [:]
    var arguments = CommandLine.arguments.dropFirst()
    while let flag = arguments.popFirst() {
        guard flag.hasPrefix("--"), let value = arguments.popFirst() else { fail("bad argument \(flag)", status: 2) }
        options[String(flag.dropFirst(2))] = value
    }
    return options
}
let options = parseOptions()
func seconds(_ name: String, _ fallback: Double) -> Double {
    guard let text = options[name] else { return fallback }
    guard let value = Double(text) else { fail("--\(name) takes seconds, not \(text)", status: 2) }
    return value
}
guard let conninfo = options["database"] else { fail("--database is required", status: 2) }
let metrics = options["metrics-file"] != nil ? PrometheusExport.bootstrap(creating: MetricCatalog.queue) : nil

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = ProcessInfo.processInfo.environment["QUEUE_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    return handler
}

let maxSleep = Int(options["max-sleep-ms"] ?? "") ?? Int.max
struct Noop: JobArgs { static let kind = "noop" }
struct Sleep: JobArgs { static let kind = "sleep"; var ms: Int }
struct Block: JobArgs {
    static let kind = "block"
    var ms: Int
    /// Not a suspension point: nothing can stop it.
    static func holdThread(milliseconds: Int) { Thread.sleep(forTimeInterval: Double(milliseconds) / 1000) }
}
struct Fail: JobArgs { static let kind = "fail" }
struct FailPermanent: JobArgs { static let kind = "fail-permanent" }
struct Echo: JobArgs { static let kind = "echo"; var text: String }
struct Abort: JobArgs { static let kind = "abort" }
struct Record: JobArgs { static let kind = "record"; var tag: String }
struct Boom: Error, CustomStringConvertible { var description: String { "boom (a retryable test failure)" } }

/// Writes `record` jobs to a table, so tests can count how often each job body ran.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private let conninfo: String
    private var connection: DatabaseConnection?

    init(conninfo: String) { self.conninfo = conninfo }

    func record(job: Int64, attempt: Int, tag: String) throws {
        lock.lock(); defer { lock.unlock() }
        if connection == nil || !(connection?.isConnected ?? false) { connection = try DatabaseConnection(conninfo: conninfo) }
        try connection?.execute("INSERT INTO test_records (job_id, attempt, tag) VALUES ($1, $2, $3)",
                                [job.sqlValue, attempt.sqlValue, tag.sqlValue], name: "record")
    }
}
let recorder = Recorder(conninfo: conninfo)

var kinds = JobKinds()
kinds.register(Noop.self) { _, _, _ in }
kinds.register(Sleep.self) { args, _, _ in try await Task.sleep(for: .milliseconds(min(args.ms, maxSleep))) }
kinds.register(Fail.self) { _, _, _ in throw Boom() }
kinds.register(FailPermanent.self) { _, _, _ in throw PermanentJobError("this input can never work") }
kinds.register(Echo.self) { args, _, _ in args }
kinds.register(Abort.self) { _, _, _ in abort() }
kinds.register(Record.self) { args, job, _ in try recorder.record(job: job.id, attempt: job.attempt, tag: args.tag) }
kinds.register(Block.self) { args, _, _ in Block.holdThread(milliseconds: min(args.ms, maxSleep)) }
if let only = options["kinds"] {
    let wanted = Set(only.split(separator: ",").map(String.init))
    guard wanted.isSubset(of: kinds.names) else { fail("--kinds: unknown kinds in \(only)", status: 2) }
    kinds = kinds.only(wanted)
}

let reap = seconds("reap", 1)
let configuration = QueueWorkerConfiguration(
    conninfo: conninfo, applicationName: "queue-test-worker",
    concurrency: Int(options["concurrency"] ?? "1") ?? 1, batchSize: Int(options["batch"] ?? "1") ?? 1,
    lease: .seconds(seconds("lease", 2)), heartbeatInterval: .seconds(seconds("heartbeat", 0.25)),
    pollInterval: .seconds(seconds("poll", 0.2)), idlePollInterval: .seconds(seconds("poll", 0.2) * 2),
    notifyJitter: .milliseconds(5), reapInterval: reap > 0 ? .seconds(reap) : nil,
    startupRetry: ConnectionRetry(backoff: Backoff(base: .milliseconds(100), cap: .seconds(1)),
                                  giveUpAfter: .seconds(seconds("startup-timeout", 30))),
    reconnectBackoff: Backoff(base: .milliseconds(50), cap: .seconds(1)),
    cancellationGrace: .seconds(1), version: "test",
    cores: Int(options["cores"] ?? "1") ?? 1, memoryMB: Int(options["memory"] ?? "1024") ?? 1024)
let worker = QueueWorker(configuration: configuration, kinds: kinds)
let grace = seconds("grace", 5)

/// Outside top-level code, so the handlers are not bound to the main actor.
func installSignalHandlers(stopping worker: QueueWorker, grace: Double) -> [any DispatchSourceSignal] {
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    return [SIGTERM, SIGINT].map { number in
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { worker.stop(grace: .seconds(grace)) }
        source.resume()
        return source
    }
}
let signalSources = installSignalHandlers(stopping: worker, grace: grace)

/// Stops the worker once the build has finished (or was cancelled).
func watch(build: Int64, conninfo: String, stopping worker: QueueWorker, grace: Double) {
    Thread.detachNewThread {
        var watcher: DatabaseConnection?
        while true {
            usleep(100_000)
            do {
                if watcher == nil || !(watcher?.isConnected ?? false) { watcher = try DatabaseConnection(conninfo: conninfo) }
                if let db = watcher, try [.succeeded, .cancelled].contains(BuildStore(db).info(build).state) {
                    worker.stop(grace: .seconds(grace))
                    return
                }
            } catch {
                watcher = nil
            }
        }
    }
}
if let text = options["stop-when-build-finished"] {
    guard let build = Int64(text) else { fail("--stop-when-build-finished takes a build id", status: 2) }
    watch(build: build, conninfo: conninfo, stopping: worker, grace: grace)
}

do {
    try worker.runBlocking()
} catch let error as QueueWorkerError {
    fail("\(error)", status: 3)
} catch {
    fail("\(error)", status: 1)
}
if let path = options["metrics-file"], let metrics {
    _ = FileManager.default.createFile(atPath: path, contents: Data(metrics.text().utf8))
}
print("stopped")
