import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct ClaimTests {
    @Test func claimsInPriorityThenStageThenLocalityOrderAndRespectsTheLimit() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        // Layer "b" has two stages; its stage 1 waits, so only stage-0 jobs are claimable.
        let build = try store.create(fixture.plan([
            LayerPlan(name: "a", stages: [[JobSpec(kind: "noop", locality: 9), JobSpec(kind: "noop", locality: 3),
                                           JobSpec(kind: "noop", locality: 5, priority: 50)]]),
            LayerPlan(name: "b", stages: [[JobSpec(kind: "noop", locality: 1)], [JobSpec(kind: "noop")]]),
        ]))
        let worker = try fixture.registerWorker()
        let queue = JobQueue(fixture.db)
        let first = try queue.claim(worker: worker, limit: 2)
        #expect(first.count == 2)
        // Priority 50 first, then (same priority and stage) locality 1 (layer b) before 3 and 9.
        // Within one claim the rows come back in no particular order.
        let claimed = first + (try queue.claim(worker: worker, limit: 10))
        let order = try claimed.map { job in
            try fixture.int("SELECT locality AS n FROM jobs WHERE id = $1", [job.id])
        }
        #expect(claimed.count == 4)
        #expect(Set(order.prefix(2)) == [5, 1])
        #expect(Set(order.suffix(2)) == [3, 9])
        #expect(claimed.allSatisfy { $0.stage.build == build && $0.stage.stage == 0 && $0.attempt == 1 })
        #expect(try queue.claim(worker: worker, limit: 10).isEmpty)
    }

    @Test func concurrentClaimersSkipEachOthersLockedRows() throws {
        let fixture = try QueueFixture.make()
        try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(10)])]))
        let worker = try fixture.registerWorker()
        let other = try fixture.connect()
        // A claim left uncommitted in a transaction holds its rows; a second claimer gets others.
        try other.execute("BEGIN", name: "BEGIN")
        let held = try JobQueue(other).claim(worker: worker, limit: 4)
        let free = try JobQueue(fixture.db).claim(worker: worker, limit: 10)
        try other.execute("COMMIT", name: "COMMIT")
        #expect(held.count == 4)
        #expect(free.count == 6)
        #expect(Set(held.map(\.id)).isDisjoint(with: free.map(\.id)))
    }

    @Test func unregisteredOrDrainingWorkersClaimNothing() throws {
        let fixture = try QueueFixture.make()
        try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(3)])]))
        #expect(try JobQueue(fixture.db).claim(worker: .random(), limit: 3).isEmpty)
        let worker = try fixture.registerWorker()
        try WorkerRegistry(fixture.db).drain(worker)
        #expect(try JobQueue(fixture.db).claim(worker: worker, limit: 3).isEmpty)
    }

    @Test func plannedBuildsAndWaitingStagesAreNotClaimable() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(2)])]), start: false)
        let worker = try fixture.registerWorker()
        #expect(try JobQueue(fixture.db).claim(worker: worker, limit: 5).isEmpty)
        #expect(try store.info(build).state == .planned)
        #expect(try store.start(build))
        #expect(try !store.start(build))
        #expect(try JobQueue(fixture.db).claim(worker: worker, limit: 5).count == 2)
    }

    @Test func payloadsArriveVerbatimAsParametersNeverAsSQL() throws {
        let fixture = try QueueFixture.make()
        let nasty = #"{"path": "/x'); DROP TABLE jobs; --", "quote": "\"", "unicode": "ünï"}"#
        try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "l'; --", stages: [[JobSpec(kind: "k\"ind", payload: nasty)]])]))
        let worker = try fixture.registerWorker()
        let job = try #require(try JobQueue(fixture.db).claim(worker: worker, limit: 1).first)
        let decoded = try JSONSerialization.jsonObject(with: Data(job.payload.utf8)) as? [String: String]
        #expect(decoded?["path"] == "/x'); DROP TABLE jobs; --")
        #expect(decoded?["quote"] == "\"")
        #expect(decoded?["unicode"] == "ünï")
        #expect(job.kind == "k\"ind")
        #expect(job.stage.layer == "l'; --")
    }

    @Test func enqueueAddsToReleasedStagesAndRefusesFinishedOnes() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(1), jobs(1)])]))
        let queue = JobQueue(fixture.db)
        let worker = try fixture.registerWorker()
        let added = try queue.enqueue(jobs(2), into: StageKey(build: build, layer: "a", stage: 0))
        #expect(added.count == 2)
        let waiting = try queue.enqueue(jobs(1), into: StageKey(build: build, layer: "a", stage: 1))
        #expect(try fixture.string("SELECT state AS v FROM jobs WHERE id = $1", [waiting[0]]) == "waiting")
        let claimed = try queue.claim(worker: worker, limit: 10)
        #expect(claimed.count == 3)
        _ = try queue.complete(claimed.map { Completion(lease: $0.lease) })
        #expect(try fixture.int("SELECT total_jobs AS n FROM build_stages WHERE build_id = $1 AND stage = 1", [build]) == 2)
        #expect(throws: QueueError.stageClosed(build: build, layer: "a", stage: 0, state: "succeeded")) {
            try queue.enqueue(jobs(1), into: StageKey(build: build, layer: "a", stage: 0))
        }
        #expect(throws: QueueError.unknownBuild(999_999)) {
            try queue.enqueue(jobs(1), into: StageKey(build: 999_999, layer: "a", stage: 0))
        }
        #expect(throws: QueueError.unknownStage(build: build, layer: "z", stage: 0)) {
            try queue.enqueue(jobs(1), into: StageKey(build: build, layer: "z", stage: 0))
        }
        #expect(throws: QueueError.self) {
            try queue.enqueue(jobs(1), into: StageKey(build: build, layer: "a", stage: -1))
        }
    }
}
