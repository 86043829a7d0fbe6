import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiSchema
import IlluminatiTestSupport
import Logging
import Testing

/// Real worker processes (`illuminati-queue-test-worker`) against a real PostgreSQL.
@Suite(.serialized, .tags(.database, .process)) struct WorkerProcessTests {
    static let product = "illuminati-queue-test-worker"

    func startWorker(_ conninfo: String, _ arguments: [String]) throws -> Executables.Running {
        try Executables.start(Self.product, ["--database", conninfo] + arguments)
    }

    func expectCleanExit(_ worker: Executables.Running, timeout: Duration = .seconds(120),
                         sourceLocation: SourceLocation = #_sourceLocation) {
        guard let outcome = worker.finish(timeout: timeout) else {
            worker.stop()
            Issue.record("worker still running after \(timeout)", sourceLocation: sourceLocation)
            return
        }
        #expect(outcome.status == 0, "stderr: \(outcome.stderr.suffix(2000))", sourceLocation: sourceLocation)
    }

    @Test func fourProcessesWithEightClaimersEachRunTwentyThousandJobsExactlyOnce() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([
            LayerPlan(name: "tiles", stages: [jobs(15_000), jobs(4_000), jobs(1_000)]),
        ]))
        let workers = try (0..<4).map { _ in
            try startWorker(fixture.conninfo, ["--concurrency", "8", "--batch", "20", "--lease", "20", "--heartbeat", "1",
                                               "--stop-when-build-finished", "\(build)"])
        }
        for worker in workers { expectCleanExit(worker) }
        #expect(try BuildStore(fixture.db).info(build).state == .succeeded)
        let history = try QueueInspector(fixture.db).history(build: build)
        #expect(history.total == 20_000)
        #expect(history.distinctJobs == 20_000)
        #expect(history.succeeded == 20_000)
        #expect(try fixture.int("SELECT count(*) AS n FROM job_history WHERE attempt <> 1", []) == 0)
        #expect(try fixture.int("SELECT count(DISTINCT worker_id) AS n FROM job_history", []) >= 2)
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs", []) == 0)
        #expect(try fixture.int("SELECT count(*) AS n FROM workers", []) == 0)
    }

    @Test func jobsOfAKilledWorkerComeBackAndFinishExactlyOnce() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([
            LayerPlan(name: "a", stages: [jobs(12, kind: "sleep") { _ in #"{"ms": 60000}"# }, jobs(3)]),
        ]))
        // The first worker takes 4 jobs that hang, and is killed with SIGKILL.
        let doomed = try startWorker(fixture.conninfo, ["--concurrency", "2", "--batch", "2", "--lease", "2", "--reap", "0"])
        #expect(try fixture.eventually { try fixture.int("SELECT count(*) AS n FROM jobs WHERE state = 'running'", []) == 4 })
        let held = try fixture.db.execute("SELECT id FROM jobs WHERE state = 'running' ORDER BY id", name: "held").rows
            .map { try $0.int64("id") }
        doomed.send(SIGKILL)
        _ = doomed.finish(timeout: .seconds(10))
        // A second worker (whose sleeps are short) runs the reaper: the dead worker's jobs come
        // back once its lease (2 s) has passed, and the build finishes.
        let rescuer = try startWorker(fixture.conninfo, ["--concurrency", "2", "--batch", "4", "--lease", "5", "--reap", "0.5",
                                                         "--max-sleep-ms", "20", "--stop-when-build-finished", "\(build)"])
        expectCleanExit(rescuer, timeout: .seconds(60))
        let history = try QueueInspector(fixture.db).history(build: build)
        #expect(history.total == 15 && history.distinctJobs == 15 && history.succeeded == 15)
        let rescued = try fixture.db.execute(
            "SELECT job_id FROM job_errors WHERE kind = 'lease_lost' AND attempt = 1 ORDER BY job_id", name: "rescued").rows
            .map { try $0.int64("job_id") }
        #expect(rescued == held)
        #expect(try fixture.int("SELECT count(*) AS n FROM job_history WHERE job_id = ANY($1) AND attempt = 2", [held]) == 4)
    }

    @Test func aJobThatKillsItsWorkersIsDeadLetteredAfterThreeDeathsAndTheRestRuns() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan(
            [LayerPlan(name: "a", stages: [[JobSpec(kind: "abort", locality: -1)] + jobs(5)])],
            retry: RetryPolicy(maxAttempts: 10, backoff: Backoff(base: .milliseconds(2), cap: .milliseconds(20)))))
        func killerState() throws -> String? {
            try fixture.string("SELECT state AS v FROM jobs WHERE kind = 'abort'", [])
        }
        // Workers are restarted as a supervisor would, until the killer job stops killing them.
        var deaths = 0
        while try deaths < 6 && killerState() != "failed" {
            let worker = try startWorker(fixture.conninfo, ["--concurrency", "1", "--batch", "1", "--lease", "1",
                                                            "--heartbeat", "0.2", "--reap", "0.2"])
            let settled = try fixture.eventually(timeout: .seconds(60)) {
                if !worker.isRunning { return true }
                return try killerState() == "failed"
            }
            #expect(settled)
            if worker.isRunning {
                worker.send(SIGTERM)
                expectCleanExit(worker, timeout: .seconds(30))
            } else {
                let outcome = try #require(worker.finish(timeout: .seconds(1)))
                #expect(outcome.status == SIGABRT, "stderr: \(outcome.stderr.suffix(2000))")
                deaths += 1
            }
        }
        #expect(deaths == 3)
        let failure = try #require(try QueueInspector(fixture.db).failures(build: build).first)
        #expect(failure.kind == "abort")
        #expect(failure.lastError == "a worker died while running this job (attempts 1, 2, 3)")
        #expect(failure.errors.map(\.kind) == ["lease_lost", "lease_lost", "lease_lost"])
        #expect(try QueueInspector(fixture.db).history(build: build).succeeded == 5, "the other jobs ran")
    }

    @Test func workersRideOutAPostgreSQLRestartAndTheBuildFinishes() throws {
        let directory = TemporaryDirectory.make(prefix: "illuminati-restart")
        var logger = Logger(label: "restart-test")
        logger.logLevel = .warning
        let cluster = try EmbeddedCluster(stateDirectory: directory.path, databaseName: "postgres", logger: logger)
        defer {
            try? cluster.stop()
            directory.remove()
        }
        try cluster.start()
        let db = try DatabaseConnection(conninfo: cluster.conninfo)
        try Migrator(migrations: Schema.migrations).migrate(db)
        let experiment = try db.execute("""
            INSERT INTO experiments (name, plate_format, site_height, site_width, bit_depth,
                                     pyramid_height, pyramid_width, pyramid_depth, manifest_path)
            VALUES ('restart', 1, 10, 10, 8, 100, 100, 3, '/m') RETURNING id
            """, name: "experiment").one().int64("id")
        let sleepy = jobs(200, kind: "sleep") { _ in #"{"ms": 10}"# }
        let build = try BuildStore(db).create(BuildPlan(
            experimentID: experiment, retry: RetryPolicy(maxAttempts: 5, backoff: Backoff(base: .milliseconds(50), cap: .seconds(1))),
            layers: [LayerPlan(name: "a", stages: [sleepy, sleepy, sleepy])]))
        let workers = try (0..<2).map { _ in
            try startWorker(cluster.conninfo, ["--concurrency", "2", "--batch", "5", "--lease", "15", "--heartbeat", "0.5",
                                               "--stop-when-build-finished", "\(build)"])
        }
        func done() throws -> Int { try QueueInspector(db).history(build: build).succeeded }
        var progressed = false
        for _ in 0..<600 where !progressed {
            progressed = try done() >= 100
            usleep(50_000)
        }
        #expect(progressed)
        try cluster.stop()
        #expect(workers.allSatisfy { $0.isRunning })
        // The cluster stays down until every worker has noticed (its warnings go to stderr).
        for worker in workers {
            #expect(worker.waitForStderrLine(containing: "reconnecting", timeout: .seconds(30)) != nil,
                    "the worker did not notice that PostgreSQL went away: \(worker.stderrSoFar)")
        }
        try cluster.start()
        for worker in workers { expectCleanExit(worker, timeout: .seconds(90)) }
        let after = try DatabaseConnection(conninfo: cluster.conninfo)
        #expect(try BuildStore(after).info(build).state == .succeeded)
        let history = try QueueInspector(after).history(build: build)
        #expect(history.total == 600 && history.distinctJobs == 600)
    }

    @Test func aWorkerExitsWithAClearMessageWhenTheDatabaseStaysDown() throws {
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        let worker = try startWorker("host=\(directory.path) port=1 user=postgres dbname=none", ["--startup-timeout", "1"])
        let outcome = try #require(worker.finish(timeout: .seconds(30)))
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("database is unavailable"))
        #expect(outcome.stderr.contains("gave up after"))
    }

    @Test func sigtermReleasesRunningJobsAndMetricsAreExportedForPrometheus() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [
            jobs(30) + jobs(2, kind: "sleep") { _ in #"{"ms": 60000}"# } + [JobSpec(kind: "fail-permanent")],
        ])]))
        let metricsFile = TemporaryDirectory.make().file("metrics.txt")
        let worker = try startWorker(fixture.conninfo, ["--concurrency", "3", "--batch", "1", "--grace", "0.5",
                                                         "--metrics-file", metricsFile])
        #expect(try fixture.eventually {
            try QueueInspector(fixture.db).history(build: build).succeeded == 30
                && fixture.int("SELECT count(*) AS n FROM jobs WHERE state = 'running'", []) == 2
        })
        worker.send(SIGTERM)
        expectCleanExit(worker, timeout: .seconds(30))
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE kind = 'sleep' AND state = 'available' AND attempt = 0", []) == 2)
        let text = try String(contentsOfFile: metricsFile, encoding: .utf8)
        #expect(text.contains("illuminati_queue_jobs_completed_total 30"))
        #expect(text.contains("illuminati_queue_jobs_dead_lettered_total 1"))
        #expect(text.contains("illuminati_queue_jobs_released_total 2"))
        #expect(text.contains("illuminati_queue_claim_duration_seconds_bucket"))
        #expect(text.contains("illuminati_queue_job_duration_seconds_count"))
    }
}
