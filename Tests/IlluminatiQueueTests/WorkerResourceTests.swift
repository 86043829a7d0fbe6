import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

/// Real worker processes (`illuminati-queue-test-worker`) of different sizes and kinds, and
/// the runtime limit enforced by the reaper.
@Suite(.serialized, .tags(.database, .process)) struct WorkerResourceTests {
    func startWorker(_ fixture: QueueFixture, _ arguments: [String]) throws -> Executables.Running {
        try Executables.start(WorkerProcessTests.product, ["--database", fixture.conninfo, "--lease", "5", "--heartbeat", "0.5"]
                                                          + arguments)
    }

    func stop(_ worker: Executables.Running, sourceLocation: SourceLocation = #_sourceLocation) {
        worker.send(SIGTERM)
        guard let outcome = worker.finish(timeout: .seconds(30)) else {
            worker.stop()
            Issue.record("worker still running after SIGTERM", sourceLocation: sourceLocation)
            return
        }
        #expect(outcome.status == 0, "stderr: \(outcome.stderr.suffix(2000))", sourceLocation: sourceLocation)
    }

    /// Which workers (by the cores they advertise) ran the build's jobs, while they are registered.
    func coresOfWorkersThatRan(_ build: Int64, _ fixture: QueueFixture) throws -> [Int] {
        try fixture.db.execute("""
            SELECT DISTINCT w.cores FROM job_history h JOIN workers w ON w.id = h.worker_id
            WHERE h.build_id = $1 ORDER BY w.cores
            """, [build.sqlValue], name: "ran on").rows.map { try $0.int("cores") }
    }

    func succeeded(_ build: Int64, _ fixture: QueueFixture) throws -> Bool {
        try BuildStore(fixture.db).info(build).state == .succeeded
    }

    @Test func eachJobRunsOnAWorkerThatFitsItAndAJobThatFitsNoneWaits() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let small = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(30)])]))
        let large = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(30)])]))
        let huge = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(3)])]))
        try store.request(small, JobRequest(cores: 1, memoryMB: 512))
        try store.request(large, JobRequest(cores: 8, memoryMB: 8000))
        try store.request(huge, JobRequest(cores: 64))
        // Alone, the small worker runs every small job, interleaved in claim order with the large
        // ones (same priority, stage and localities), and none of those.
        let smallWorker = try startWorker(fixture, ["--cores", "2", "--memory", "1024", "--batch", "4"])
        defer { smallWorker.stop() }
        #expect(try fixture.eventually { try succeeded(small, fixture) })
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE build_id = $1 AND state = 'available' AND attempt = 0",
                                [large]) == 30)
        let largeWorker = try startWorker(fixture, ["--cores", "16", "--memory", "32000", "--batch", "4"])
        defer { largeWorker.stop() }
        #expect(try fixture.eventually { try succeeded(large, fixture) })
        #expect(try coresOfWorkersThatRan(small, fixture) == [2])
        #expect(try coresOfWorkersThatRan(large, fixture) == [16])
        // Nobody has 64 cores: the job stays claimable, untouched, and the inspector says why.
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE build_id = $1 AND state = 'available' AND attempt = 0",
                                [huge]) == 3)
        #expect(try QueueInspector(fixture.db).unfit(build: huge)
                == [UnfitJobs(kind: "noop", needs: JobNeeds(cores: 64, memoryMB: 0), count: 3)])
        #expect(try QueueInspector(fixture.db).unfit(build: large).isEmpty)
        #expect(Set(try QueueInspector(fixture.db).workers().map { [$0.cores, $0.memoryMB] }) == [[2, 1024], [16, 32000]])
        stop(smallWorker)
        stop(largeWorker)
    }

    @Test func aWorkerClaimsOnlyTheKindsItRegistered() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [
            jobs(10) + jobs(5, kind: "echo") { #"{"text": "\#($0)"}"# },
        ])]))
        let noopWorker = try startWorker(fixture, ["--kinds", "noop,sleep"])
        defer { noopWorker.stop() }
        #expect(try fixture.eventually { try QueueInspector(fixture.db).history(build: build).succeeded == 10 })
        // Not dead-lettered for want of a handler: waiting, with no attempt used, for a worker that has one.
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE kind = 'echo' AND state = 'available' AND attempt = 0") == 5)
        #expect(try QueueInspector(fixture.db).unfit(build: build)
                == [UnfitJobs(kind: "echo", needs: JobNeeds(cores: 1, memoryMB: 0), count: 5)])
        let echoWorker = try startWorker(fixture, ["--kinds", "echo", "--stop-when-build-finished", "\(build)"])
        defer { echoWorker.stop() }
        #expect(try fixture.eventually { try succeeded(build, fixture) })
        #expect(try fixture.int("SELECT count(*) AS n FROM job_history WHERE kind = 'echo' AND result IS NOT NULL") == 5)
        stop(noopWorker)
        #expect(echoWorker.finish(timeout: .seconds(30))?.status == 0)
    }

    @Test func theReaperFailsAJobPastItsDurationLimitOnALiveWorker() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [
            [JobSpec(kind: "block", payload: #"{"ms": 60000}"#)],
        ])], retry: RetryPolicy(maxAttempts: 3, backoff: Backoff(base: .seconds(30), cap: .seconds(30)))))
        try BuildStore(fixture.db).request(build, JobRequest(maxRuntime: .seconds(1)))
        // The job holds the worker's only claim loop and ignores its stop; the heartbeats go on,
        // so only the runtime limit takes the job back (once the 2 s lease has passed on top).
        let worker = try Executables.start(WorkerProcessTests.product, [
            "--database", fixture.conninfo, "--lease", "2", "--heartbeat", "0.25", "--reap", "0.25"])
        defer { worker.stop() }
        #expect(try fixture.eventually { try fixture.int("SELECT count(*) AS n FROM job_errors") == 1 })
        let job = try fixture.db.execute("SELECT id FROM jobs", name: "job").one().int64("id")
        let error = try #require(try QueueInspector(fixture.db).errors(job: job).first)
        #expect(error.kind == "deadline" && error.attempt == 1)
        #expect(error.message == "exceeded its duration limit of 00:00:01 (taken from its worker, which was alive but did not stop it)")
        #expect(try fixture.string("SELECT state AS v FROM jobs", []) == "available")
        #expect(try fixture.int("SELECT attempt AS n FROM jobs", []) == 1, "the attempt counts")
        #expect(try fixture.int("SELECT count(*) AS n FROM workers", []) == 1, "the worker was alive")
    }
}
