import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct ReaperTests {
    @Test func silentWorkersLoseTheirJobsWithTheAttemptCountedAndLiveOnesKeepThem() throws {
        let fixture = try QueueFixture.make()
        try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(4)])]))
        let silent = try fixture.registerWorker(lease: .seconds(5)), live = try fixture.registerWorker(lease: .seconds(5))
        let lost = try JobQueue(fixture.db).claim(worker: silent, limit: 2)
        let kept = try JobQueue(fixture.db).claim(worker: live, limit: 2)
        try fixture.db.execute("UPDATE workers SET last_seen = now() - interval '6 seconds' WHERE id = $1",
                               [silent.sqlValue], name: "silence")
        let report = try Reaper(fixture.db).sweep()
        #expect(Set(report.reaped.map(\.job)) == Set(lost.map(\.id)))
        #expect(report.reaped.allSatisfy { $0.state == .available && $0.worker == silent && $0.attempt == 1 })
        #expect(try WorkerRegistry(fixture.db).heartbeat(live, holding: kept.map(\.lease)).lost.isEmpty)
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE rescue_count = 1 AND state = 'available'", []) == 2)
        // A dead worker's jobs did not fail: they are claimable again at once, without backoff.
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE rescue_count = 1 AND run_at <= now()", []) == 2)
        // A second sweep finds nothing more.
        #expect(try Reaper(fixture.db).sweep().reaped.isEmpty)
    }

    @Test func jobsPastTheirDeadlineAreReapedAndExhaustedOnesDeadLettered() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(1)])],
                                                                   retry: RetryPolicy(maxAttempts: 1)))
        let worker = try fixture.registerWorker(lease: .seconds(1))
        let job = try #require(try JobQueue(fixture.db).claim(worker: worker, limit: 1).first)
        try fixture.db.execute("UPDATE jobs SET deadline_at = now() - interval '2 seconds'", name: "overdue")
        let report = try Reaper(fixture.db).sweep()
        #expect(report.reaped.map(\.reason) == [.deadline])
        #expect(report.reaped.map(\.state) == [.failed])
        let failed = try QueueInspector(fixture.db).failures(build: build)
        #expect(failed.first?.errors.map(\.kind) == ["deadline"])
        #expect(try JobQueue(fixture.db).complete(job.lease) == false)
    }

    @Test func jobsOfWorkersWhoseRowIsGoneAreReapedAndLongSilentWorkersForgotten() throws {
        let fixture = try QueueFixture.make()
        try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(1)])]))
        let worker = try fixture.registerWorker()
        _ = try JobQueue(fixture.db).claim(worker: worker, limit: 1)
        try fixture.db.execute("UPDATE workers SET last_seen = now() - interval '1 hour'", name: "long silent")
        let report = try Reaper(fixture.db).sweep()
        #expect(report.reaped.count == 1)
        #expect(try fixture.int("SELECT count(*) AS n FROM workers", []) == 0)
        let other = try fixture.registerWorker()
        try fixture.db.execute("UPDATE jobs SET run_at = now()", name: "skip backoff")
        let job = try #require(try JobQueue(fixture.db).claim(worker: other, limit: 1).first)
        try WorkerRegistry(fixture.db).deregister(other)
        #expect(try Reaper(fixture.db).sweep().reaped.map(\.job) == [job.id])
    }

    @Test func aJobWhoseWorkersKeepDyingIsDeadLetteredAfterThreeLostLeases() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(1)])],
                                                                   retry: RetryPolicy(maxAttempts: 10)))
        /// A worker claims the job and dies: its heartbeats stop and the reaper takes the job back.
        func dieHoldingTheJob() throws -> ReapedJob? {
            let worker = try fixture.registerWorker(lease: .seconds(1))
            #expect(try JobQueue(fixture.db).claim(worker: worker, limit: 1).count == 1)
            try fixture.db.execute("UPDATE workers SET last_seen = now() - interval '2 seconds' WHERE id = $1",
                                   [worker.sqlValue], name: "died")
            return try Reaper(fixture.db).sweep().reaped.first
        }
        #expect(try dieHoldingTheJob()?.state == .available)
        // A job past its deadline on a live worker did not kill it: that attempt is not counted.
        let slow = try fixture.registerWorker(lease: .seconds(1))
        _ = try JobQueue(fixture.db).claim(worker: slow, limit: 1)
        try fixture.db.execute("UPDATE jobs SET deadline_at = now() - interval '2 seconds'", name: "overdue")
        #expect(try Reaper(fixture.db).sweep().reaped.map(\.reason) == [.deadline])
        try fixture.db.execute("UPDATE jobs SET run_at = now()", name: "skip backoff")
        #expect(try dieHoldingTheJob()?.state == .available)
        #expect(try dieHoldingTheJob()?.state == .failed)
        let failure = try #require(try QueueInspector(fixture.db).failures(build: build).first)
        #expect(failure.lastError == "a worker died while running this job (attempts 1, 3, 4)")
        #expect(failure.attempt == 4 && failure.maxAttempts == 10)

        // Retried by an operator, it gets three more lives.
        #expect(try BuildStore(fixture.db).retryFailed(build) == 1)
        #expect(try dieHoldingTheJob()?.state == .available)
        #expect(try dieHoldingTheJob()?.state == .available)
        #expect(try dieHoldingTheJob()?.state == .failed)
        #expect(try QueueInspector(fixture.db).failures(build: build).first?.lastError
                == "a worker died while running this job (attempts 5, 6, 7)")
    }

    @Test func anOperatorReleasingADeadWorkerCountsItsJobsLostLeases() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(1)])],
                                                                   retry: RetryPolicy(maxAttempts: 10)))
        for _ in 0..<3 {
            let worker = try fixture.registerWorker()
            #expect(try JobQueue(fixture.db).claim(worker: worker, limit: 1).count == 1)
            #expect(try WorkerRegistry(fixture.db).release(worker) == 1)
        }
        #expect(try QueueInspector(fixture.db).failures(build: build).first?.lastError
                == "a worker died while running this job (attempts 1, 2, 3)")
    }

    @Test func concurrentSweepsNeverReapTheSameJobTwice() throws {
        let fixture = try QueueFixture.make()
        try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(50)])]))
        let worker = try fixture.registerWorker(lease: .seconds(1))
        _ = try JobQueue(fixture.db).claim(worker: worker, limit: 50)
        try fixture.db.execute("UPDATE workers SET last_seen = now() - interval '5 seconds'", name: "silence")
        let total = Counter()
        let group = DispatchGroup()
        for _ in 0..<4 {
            let connection = try fixture.connect()
            group.enter()
            DispatchQueue.global().async {
                total.add((try? Reaper(connection).sweep().reaped.count) ?? 1000)
                group.leave()
            }
        }
        group.wait()
        #expect(total.value == 50)
        #expect(try fixture.int("SELECT count(*) AS n FROM job_errors", []) == 50)
    }
}
