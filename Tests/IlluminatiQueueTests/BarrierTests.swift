import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct BarrierTests {
    /// Claims and completes everything claimable, stage by stage; returns the claim rounds'
    /// (layer, stage) pairs in order.
    func drain(_ fixture: QueueFixture, worker: WorkerID) throws -> [String] {
        var seen: [String] = []
        let queue = JobQueue(fixture.db)
        while true {
            let claimed = try queue.claim(worker: worker, limit: 1000)
            if claimed.isEmpty { return seen }
            for key in Set(claimed.map { "\($0.stage.layer)\($0.stage.stage)" }).sorted() { seen.append(key) }
            _ = try queue.complete(claimed.map { Completion(lease: $0.lease) })
        }
    }

    @Test func stagesRunInOrderAndLayersWaitForTheLayersTheyNeed() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([
            LayerPlan(name: "stats", stages: [jobs(3)]),
            LayerPlan(name: "dapi", after: ["stats"], stages: [jobs(4), jobs(2), jobs(1)]),
            LayerPlan(name: "gfp", after: ["stats"], stages: [jobs(2), [], jobs(1)]),
        ]))
        let worker = try fixture.registerWorker()
        let rounds = try drain(fixture, worker: worker)
        // stats first; then both pyramids, each stage after the previous (gfp's empty stage 1
        // finishes as soon as it is released).
        #expect(rounds.first == "stats0")
        #expect(rounds.firstIndex(of: "dapi0")! < rounds.firstIndex(of: "dapi1")!)
        #expect(rounds.firstIndex(of: "dapi1")! < rounds.firstIndex(of: "dapi2")!)
        #expect(rounds.firstIndex(of: "gfp0")! < rounds.firstIndex(of: "gfp2")!)
        #expect(!rounds.contains("gfp1"))
        #expect(try store.info(build).state == .succeeded)
        #expect(try store.layers(build).allSatisfy(\.isComplete))
        #expect(try QueueInspector(fixture.db).history(build: build).succeeded == 13)
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs", []) == 0)
    }

    @Test func aDeadLetterHoldsTheBarrierUntilRetriedOrCancelled() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(3), jobs(1)])]))
        let queue = JobQueue(fixture.db)
        let worker = try fixture.registerWorker()
        var claimed = try queue.claim(worker: worker, limit: 10)
        let poisoned = claimed.removeFirst()
        _ = try queue.fail(poisoned.lease, message: "bad tile", retryable: false)
        _ = try queue.complete(claimed.map { Completion(lease: $0.lease) })
        #expect(try store.advanceReadyStages() == 0)
        #expect(try queue.claim(worker: worker, limit: 10).isEmpty)
        let stages = try QueueInspector(fixture.db).stages(build: build)
        #expect(stages.map(\.failed) == [1, 0])
        #expect(stages.map(\.state) == [.running, .waiting])

        // Resubmitted, it runs again (a fresh set of attempts) and the barrier opens.
        #expect(try store.retryFailed(build) == 1)
        let again = try #require(try queue.claim(worker: worker, limit: 10).first)
        #expect(again.id == poisoned.id && again.attempt == 2 && again.maxAttempts == 4)
        _ = try queue.fail(again.lease, message: "still bad", retryable: false)
        // Cancelled instead, it no longer holds the barrier either.
        #expect(try store.cancelJob(again.id))
        let next = try queue.claim(worker: worker, limit: 10)
        #expect(next.map(\.stage.stage) == [1])
        #expect(try fixture.string("SELECT outcome AS v FROM job_history WHERE job_id = $1", [poisoned.id]) == "cancelled")
    }

    @Test func racingAdvancersAdvanceEachStageExactlyOnce() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let stages = 40
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: Array(repeating: jobs(2), count: stages))]))
        let worker = try fixture.registerWorker()
        let racers = try (0..<3).map { _ in try fixture.connect() }
        let advanced = Counter()
        for stage in 0..<stages {
            let claimed = try JobQueue(fixture.db).claim(worker: worker, limit: 10)
            #expect(claimed.count == 2 && claimed.allSatisfy { $0.stage.stage == stage })
            // Two workers finish the stage's last two jobs at the same moment while a third
            // process (a second coordinator) runs the sweep; each also calls advance itself.
            let start = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            for (index, connection) in racers.enumerated() {
                group.enter()
                DispatchQueue.global().async {
                    defer { group.leave() }
                    start.wait()
                    do {
                        if index < 2 {
                            let report = try JobQueue(connection).complete([Completion(lease: claimed[index].lease)])
                            advanced.add(report.advanced.count)
                            if try BuildStore(connection).advance(StageKey(build: build, layer: "a", stage: stage)) { advanced.add(1) }
                        } else {
                            advanced.add(try BuildStore(connection).advanceReadyStages())
                        }
                    } catch {
                        advanced.add(1000)
                    }
                }
            }
            for _ in racers { start.signal() }
            group.wait()
            #expect(advanced.value == stage + 1, "stage \(stage)")
        }
        #expect(try store.info(build).state == .succeeded)
        #expect(try fixture.int("SELECT count(*) AS n FROM build_stages WHERE state = 'succeeded'", []) == stages)
    }

    @Test func aLayerWaitingForTwoLayersStartsOnceBothAreDoneWhicheverFinishesLast() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([
            LayerPlan(name: "x", stages: [jobs(1)]), LayerPlan(name: "y", stages: [jobs(1)]),
            LayerPlan(name: "z", after: ["x", "y"], stages: [jobs(1)]),
        ]))
        let worker = try fixture.registerWorker()
        let claimed = try JobQueue(fixture.db).claim(worker: worker, limit: 10)
        #expect(claimed.count == 2)
        let connections = try [fixture.connect(), fixture.connect()]
        let group = DispatchGroup()
        for (job, connection) in zip(claimed, connections) {
            group.enter()
            DispatchQueue.global().async {
                _ = try? JobQueue(connection).complete([Completion(lease: job.lease)])
                group.leave()
            }
        }
        group.wait()
        let last = try JobQueue(fixture.db).claim(worker: worker, limit: 10)
        #expect(last.map(\.stage.layer) == ["z"])
        _ = try JobQueue(fixture.db).complete(last.map { Completion(lease: $0.lease) })
        #expect(try store.info(build).state == .succeeded)
    }
}

/// A thread-safe counter for racing threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ amount: Int) { lock.lock(); count += amount; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
