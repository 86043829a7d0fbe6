import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

/// The claim gives a worker only jobs that fit it: cores, memory and kind.
@Suite(.tags(.database)) struct ClaimFitTests {
    @Test func aWorkerClaimsOnlyJobsWithinItsCoresMemoryAndKinds() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let small = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(3) + jobs(2, kind: "echo")])]))
        let large = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(3)])]))
        let hungry = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(2)])]))
        #expect(try store.request(large, JobRequest(cores: 8)) == 3)
        #expect(try store.request(hungry, JobRequest(memoryMB: 64_000)) == 2)
        let worker = try fixture.registerWorker()
        let queue = JobQueue(fixture.db)
        let noopOnly = WorkerCapacity(cores: 4, memoryMB: 16_000, kinds: ["noop"])
        let claimed = try queue.claim(worker: worker, limit: 100, fitting: noopOnly)
        #expect(claimed.count == 3 && claimed.allSatisfy { $0.stage.build == small && $0.kind == "noop" })
        // Exactly as many cores, and any kind.
        let eight = try queue.claim(worker: worker, limit: 100, fitting: WorkerCapacity(cores: 8, memoryMB: 16_000, kinds: nil))
        #expect(Set(eight.map(\.stage.build)) == [small, large] && eight.count == 5)
        #expect(try queue.claim(worker: worker, limit: 100, fitting: WorkerCapacity(cores: 64, memoryMB: 63_999, kinds: nil))
            .isEmpty)
        let last = try queue.claim(worker: worker, limit: 100, fitting: WorkerCapacity(cores: 1, memoryMB: 64_000, kinds: ["noop"]))
        #expect(last.count == 2 && last.allSatisfy { $0.stage.build == hungry })
    }

    @Test func aRequestSetsEveryLiveJobAndLeavesWhatItDoesNotName() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(2), jobs(3)])]))
        #expect(try store.request(build, JobRequest(maxRuntime: .seconds(3723), cores: 2, memoryMB: 512)) == 5)
        #expect(try store.request(build, JobRequest(cores: 4)) == 5)
        #expect(try store.request(build, JobRequest()) == 0)
        let rows = try fixture.db.execute(
            "SELECT DISTINCT extract(epoch FROM max_runtime)::int AS s, cores, memory_mb FROM jobs WHERE build_id = $1",
            [build.sqlValue], name: "requests").rows
        #expect(rows.count == 1)
        #expect(try rows.map { [try $0.int("s"), try $0.int("cores"), try $0.int("memory_mb")] } == [[3723, 4, 512]])
        #expect(try store.largestNeeds(build) == JobNeeds(cores: 4, memoryMB: 512))
        #expect(throws: QueueError.self) { try store.request(build, JobRequest(cores: 0)) }
        #expect(throws: QueueError.self) { try store.request(build, JobRequest(memoryMB: -1)) }
        #expect(throws: QueueError.self) { try store.request(build, JobRequest(maxRuntime: .zero)) }
        #expect(throws: DatabaseError.self) {
            try fixture.db.execute("UPDATE jobs SET cores = 0", name: "no cores")
        }
    }

    @Test func restartingABuildKeepsWhatItsJobsAskFor() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(2)])]))
        try store.request(build, JobRequest(maxRuntime: .seconds(60), cores: 3, memoryMB: 100))
        let worker = try fixture.registerWorker()
        for job in try JobQueue(fixture.db).claim(worker: worker, limit: 2) { #expect(try JobQueue(fixture.db).complete(job.lease)) }
        #expect(try store.info(build).state == .succeeded)
        #expect(try store.restart(build) == 2)
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE cores = 3 AND memory_mb = 100 AND max_runtime = '60 s'") == 2)
    }

    /// The filter rides on the claim's partial index: no scan of the whole table, no sort.
    @Test func theClaimStillUsesThePartialIndex() throws {
        let fixture = try QueueFixture.make()
        try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(5000)])]))
        try fixture.db.execute("ANALYZE jobs", name: "analyze")
        let worker = try fixture.registerWorker()
        let plan = try fixture.db.execute(
            "EXPLAIN " + QueueQueries.JobsClaim.statement.sql,
            [worker.sqlValue, 10.sqlValue, 4.sqlValue, 1024.sqlValue, ["noop", "echo"].sqlValue], name: "explain").rows
            .map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
        #expect(plan.contains("Index Scan using jobs_claim on jobs"), "\(plan)")
        #expect(!plan.contains("Seq Scan on jobs") && !plan.contains("Sort"), "\(plan)")
    }
}
