import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct FencingTests {
    @Test func aWorkerThatLostItsLeaseCanNeitherCompleteNorFailNorRelease() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(1)])]))
        let queue = JobQueue(fixture.db)
        let stale = try fixture.registerWorker(lease: .seconds(1))
        let job = try #require(try queue.claim(worker: stale, limit: 1).first)
        // The stale worker goes silent past its lease; the reaper hands the job out again.
        try fixture.db.execute("UPDATE workers SET last_seen = now() - interval '1 minute' WHERE id = $1",
                               [stale.sqlValue], name: "silence")
        let reaped = try Reaper(fixture.db).sweep()
        #expect(reaped.reaped.map(\.job) == [job.id])
        #expect(reaped.reaped.first?.reason == .leaseLost)
        try fixture.db.execute("UPDATE jobs SET run_at = now()", name: "skip backoff")
        let fresh = try fixture.registerWorker()
        let again = try #require(try queue.claim(worker: fresh, limit: 1).first)
        #expect(again.id == job.id && again.attempt == 2)

        // Every write of the stale lease changes nothing, and says so.
        #expect(try queue.complete(job.lease, result: #"{"stale":true}"#) == false)
        #expect(try queue.fail(job.lease, message: "late failure") == nil)
        #expect(try queue.release([job.lease]).isEmpty)
        let beat = try WorkerRegistry(fixture.db).heartbeat(stale, holding: [job.lease])
        #expect(beat.alive && beat.lost == [job.lease])
        #expect(try fixture.string("SELECT state AS v FROM jobs WHERE id = $1", [job.id]) == "running")
        #expect(try fixture.int("SELECT attempt AS n FROM jobs WHERE id = $1", [job.id]) == 2)

        // A stale attempt number from the right worker is fenced too.
        #expect(try queue.complete(JobLease(job: job.id, attempt: 1, worker: fresh)) == false)
        // The current lease completes exactly once.
        #expect(try queue.complete(again.lease))
        #expect(try queue.complete(again.lease) == false)
        let history = try QueueInspector(fixture.db).history(build: build)
        #expect(history.total == 1 && history.distinctJobs == 1)
        #expect(try fixture.string("SELECT worker_id::text AS v FROM job_history", []) == fresh.rawValue)
    }

    @Test func anotherWorkerCannotWriteAJobItDoesNotHold() throws {
        let fixture = try QueueFixture.make()
        try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(1)])]))
        let owner = try fixture.registerWorker(), intruder = try fixture.registerWorker()
        let job = try #require(try JobQueue(fixture.db).claim(worker: owner, limit: 1).first)
        let forged = JobLease(job: job.id, attempt: job.attempt, worker: intruder)
        #expect(try JobQueue(fixture.db).complete(forged) == false)
        #expect(try JobQueue(fixture.db).fail(forged, message: "forged", retryable: false) == nil)
        #expect(try JobQueue(fixture.db).release([forged]).isEmpty)
        #expect(try fixture.int("SELECT count(*) AS n FROM job_errors", []) == 0)
        #expect(try JobQueue(fixture.db).complete(job.lease))
    }

    @Test func heartbeatOfAPrunedWorkerSaysItIsNotAlive() throws {
        let fixture = try QueueFixture.make()
        let worker = try fixture.registerWorker()
        #expect(try WorkerRegistry(fixture.db).heartbeat(worker, holding: []).alive)
        try WorkerRegistry(fixture.db).deregister(worker)
        let beat = try WorkerRegistry(fixture.db).heartbeat(worker, holding: [JobLease(job: 1, attempt: 1, worker: worker)])
        #expect(!beat.alive)
        #expect(beat.lost.count == 1)
    }
}
