import Foundation
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

/// `submit/resubmit --duration --cores --memory` and `illuminati-worker --cores --memory`, as processes.
@Suite(.serialized, .tags(.database, .process)) struct ResourceRequestCommandTests {
    @Test func badRequestsAreUsageErrorsThatSayWhatToWrite() throws {
        let (database, _) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        let duration = try run.run(["submit", "any", "--duration", "1:60:00"])
        #expect(duration.status == 64, "\(duration.stderr)")
        #expect(duration.stderr.contains(#""1:60:00" is not a duration: write HH:MM:SS (e.g. 01:30:00)"#), "\(duration.stderr)")
        #expect(noStackTrace(duration))
        let cores = try run.run(["resubmit", "any", "--cores", "0"])
        #expect(cores.status == 64 && cores.stderr.contains("--cores must be at least 1"), "\(cores.stderr)")
        let memory = try run.run(["submit", "any", "--memory", "-5"])
        #expect(memory.status == 64, "\(memory.stderr)")
        let worker = try Executables.run("illuminati-worker", ["--cores", "0"])
        #expect(worker.status == 64 && worker.stderr.contains("--cores must be at least 1"), "\(worker.stderr)")
    }

    @Test func submitRecordsTheRequestItsOwnWorkersClaimEverythingAndStatusSaysWhatWaits() throws {
        let plate = try buildPlate(seed: 23)
        let (database, connection) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        try run.create("sized", manifest: plate.manifest)
        try run.initialize("sized", ["--batch-size", "4"])
        func count(_ sql: String) throws -> Int { try connection.execute(sql, name: "count").one().int("n") }

        // More than this machine has: the workers submit starts still take every job.
        let submitted = try run.run(["submit", "sized", "--workers", "1", "--interval", "0.2", "--storage", run.storage.path,
                                     "--duration", "01:02:03", "--cores", "100000", "--memory", "100000000"])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let asked = "cores = 100000 AND memory_mb = 100000000 AND max_runtime = '01:02:03'"
        #expect(try count("SELECT count(*) AS n FROM job_history") > 0)
        #expect(try count("SELECT count(*) AS n FROM job_history WHERE NOT (\(asked))") == 0)

        // Run again, the jobs ask for what they asked for.
        let again = try run.run(["resubmit", "sized", "--all", "--no-wait"])
        #expect(again.status == 0, "\(again.stderr)")
        let jobs = try count("SELECT count(*) AS n FROM jobs")
        let kept = try count("SELECT count(*) AS n FROM jobs WHERE \(asked)")
        #expect(jobs > 0 && kept == jobs)

        // A worker too small for them claims none, and status says so.
        let worker = try Executables.start("illuminati-worker", ["--database-url", database, "--storage", run.storage.path,
                                                                 "--concurrency", "1", "--cores", "2", "--memory", "1024",
                                                                 "--lease", "30", "--grace", "1"])
        defer { worker.stop() }
        #expect(waitUntil(.seconds(60)) { (try? count("SELECT count(*) AS n FROM workers WHERE cores = 2 AND memory_mb = 1024")) == 1 })
        let status = try run.run(["status", "sized"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains(", 2 cores, 1024 MB, 0 running"), "\(status.stdout)")
        #expect(status.stdout.contains("jobs no live worker takes"), "\(status.stdout)")
        #expect(status.stdout.contains("job(s): 100000 cores, 100000000 MB"), "\(status.stdout)")
        #expect(try count("SELECT count(*) AS n FROM jobs WHERE attempt > 0 OR state = 'running'") == 0)

        // resubmit sets a new request in the transaction that queues the jobs again.
        let smaller = try run.run(["resubmit", "sized", "--all", "--no-wait", "--cores", "1", "--memory", "0", "--duration", "00:10:00"])
        #expect(smaller.status == 0, "\(smaller.stderr)")
        worker.send(SIGTERM)
        #expect(worker.finish(timeout: .seconds(30)) != nil)
        #expect(try count("SELECT count(*) AS n FROM jobs WHERE NOT (cores = 1 AND memory_mb = 0 AND max_runtime = '00:10:00')") == 0)
    }
}
