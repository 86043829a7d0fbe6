import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct RetryTests {
    @Test func retryableFailuresBackOffExponentiallyWithJitterThenDeadLetterKeepingEveryError() throws {
        let fixture = try QueueFixture.make()
        // Base 2 s, cap 3 s: delays in [1, 2] s, then [1.5, 3] s (capped); max 3 attempts.
        let retry = RetryPolicy(maxAttempts: 3, backoff: Backoff(base: .seconds(2), cap: .seconds(3)))
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(1)])], retry: retry))
        let queue = JobQueue(fixture.db)
        let worker = try fixture.registerWorker()
        var expectedBounds: [(Double, Double)] = [(1, 2), (1.5, 3)]
        for attempt in 1...3 {
            let job = try #require(try queue.claim(worker: worker, limit: 1).first)
            #expect(job.attempt == attempt)
            let outcome = try #require(try queue.fail(job.lease, message: "transient \(attempt)"))
            if attempt < 3 {
                let (low, high) = expectedBounds.removeFirst()
                #expect(outcome.state == .available)
                #expect(outcome.retryIn.inSeconds >= low - 0.05 && outcome.retryIn.inSeconds <= high + 0.05)
                // Not claimable during the backoff.
                #expect(try queue.claim(worker: worker, limit: 1).isEmpty)
                try fixture.db.execute("UPDATE jobs SET run_at = now()", name: "skip backoff")
            } else {
                #expect(outcome.state == .failed)
            }
        }
        let failed = try QueueInspector(fixture.db).failures(build: build)
        #expect(failed.count == 1)
        #expect(failed[0].lastError == "transient 3")
        #expect(failed[0].errors.map(\.attempt) == [1, 2, 3])
        #expect(failed[0].errors.map(\.message) == ["transient 1", "transient 2", "transient 3"])
        #expect(failed[0].errors.allSatisfy { $0.kind == "error" && $0.workerID == worker.rawValue })
        #expect(try queue.claim(worker: worker, limit: 1).isEmpty)
    }

    @Test func sqlBackoffStaysWithinItsJitterWindow() throws {
        let fixture = try QueueFixture.make()
        let row = try fixture.db.execute("""
            SELECT min(d) AS low, max(d) AS high FROM (
              SELECT extract(epoch FROM queue_backoff(4, interval '1 second', interval '1 hour'))::float8 AS d
              FROM generate_series(1, 500)) s
            """, name: "backoff").one()
        // Attempt 4: d = 8 s, delays in [4, 8].
        #expect(try row.optionalDouble("low")! >= 4 && row.optionalDouble("high")! <= 8)
        #expect(try row.optionalDouble("high")! - row.optionalDouble("low")! > 1)
        let capped = try fixture.db.execute(
            "SELECT extract(epoch FROM queue_backoff(500, interval '1 second', interval '30 seconds'))::float8 AS d",
            name: "cap").one().optionalDouble("d")!
        #expect(capped >= 15 && capped <= 30)
    }

    @Test func permanentFailuresAreDeadLetteredAtOnce() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(1)])]))
        let worker = try fixture.registerWorker()
        let job = try #require(try JobQueue(fixture.db).claim(worker: worker, limit: 1).first)
        let outcome = try JobQueue(fixture.db).fail(job.lease, message: "undecodable input", retryable: false)
        #expect(outcome?.state == .failed)
        let failed = try QueueInspector(fixture.db).failures(build: build)
        #expect(failed.map(\.errors.count) == [1])
        #expect(failed.first?.errors.first?.kind == "permanent")
        #expect(failed.first?.attempt == 1)
    }
}
