import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct OpsTests {
    @Test func pauseHoldsClaimableJobsAndResumeReleasesThem() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(4), jobs(2)])]))
        let queue = JobQueue(fixture.db)
        let worker = try fixture.registerWorker()
        let running = try queue.claim(worker: worker, limit: 1)
        #expect(try store.pause(build) == 3)
        #expect(try store.info(build).state == .paused)
        #expect(try queue.claim(worker: worker, limit: 10).isEmpty)
        // The running job finishes normally while paused.
        #expect(try queue.complete(running[0].lease))
        #expect(try store.resume(build) == 3)
        let rest = try queue.claim(worker: worker, limit: 10)
        #expect(rest.count == 3)
        // Pausing while the last jobs run: the next stage is released held, not claimable.
        #expect(try store.pause(build) == 0)
        _ = try queue.complete(rest.map { Completion(lease: $0.lease) })
        #expect(try queue.claim(worker: worker, limit: 10).isEmpty)
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE stage = 1 AND state = 'held'", []) == 2)
        #expect(try store.resume(build) == 2)
        #expect(try queue.claim(worker: worker, limit: 10).count == 2)
        #expect(try store.resume(build) == 0)
    }

    @Test func cancelPurgesQueuedJobsAndAsksRunningOnesToStop() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(3), jobs(5)])]))
        let queue = JobQueue(fixture.db)
        let worker = try fixture.registerWorker()
        let running = try queue.claim(worker: worker, limit: 2)
        #expect(try store.cancel(build) == 2 + 1 + 5)
        #expect(try store.info(build).state == .cancelled)
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs", []) == 2)
        let beat = try WorkerRegistry(fixture.db).heartbeat(worker, holding: running.map(\.lease))
        #expect(Set(beat.cancelRequested) == Set(running.map(\.lease)))
        #expect(try queue.acknowledgeCancel(running[0].lease))
        // The other one fails instead; the sweep then purges it, and nothing advances.
        #expect(try queue.fail(running[1].lease, message: "interrupted")?.state == .held)
        _ = try Reaper(fixture.db).sweep()
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs", []) == 0)
        #expect(try fixture.int("SELECT count(*) AS n FROM job_history WHERE outcome = 'cancelled'", []) == 8)
        #expect(try store.cancel(build) == 0)
        #expect(try queue.claim(worker: worker, limit: 10).isEmpty)
    }

    @Test func releaseWorkerHandsADeadWorkersJobsBackAtOnce() throws {
        let fixture = try QueueFixture.make()
        try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(3)])]))
        let dead = try fixture.registerWorker()
        let held = try JobQueue(fixture.db).claim(worker: dead, limit: 2)
        #expect(try WorkerRegistry(fixture.db).release(dead) == 2)
        let live = try fixture.registerWorker()
        let again = try JobQueue(fixture.db).claim(worker: live, limit: 10)
        #expect(again.count == 3)
        #expect(Set(again.filter { $0.attempt == 2 }.map(\.id)) == Set(held.map(\.id)))
        #expect(try fixture.int("SELECT count(*) AS n FROM job_errors WHERE kind = 'lease_lost'", []) == 2)
    }

    @Test func restartRunsEveryJobAgainFromTheFirstStage() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(2), jobs(1)])]))
        let queue = JobQueue(fixture.db)
        let worker = try fixture.registerWorker()
        for _ in 0..<2 { _ = try queue.complete(try queue.claim(worker: worker, limit: 10).map { Completion(lease: $0.lease) }) }
        #expect(try store.info(build).state == .succeeded)
        #expect(try store.restart(build) == 3)
        #expect(try store.info(build).state == .running)
        let again = try queue.claim(worker: worker, limit: 10)
        #expect(again.count == 2 && again.allSatisfy { $0.stage.stage == 0 && $0.attempt == 1 })
    }

    @Test func progressOfARestartedBuildCountsItsCurrentRunOnly() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(2), jobs(1)])]))
        let queue = JobQueue(fixture.db), inspector = QueueInspector(fixture.db)
        let worker = try fixture.registerWorker()
        func runStage() throws {
            _ = try queue.complete(try queue.claim(worker: worker, limit: 10).map { Completion(lease: $0.lease) })
        }
        for _ in 0..<2 { try runStage() }
        #expect(try inspector.stages(build: build).map(\.succeeded) == [2, 1])
        for restart in 1...2 {
            #expect(try store.restart(build) == 3)
            var stages = try inspector.stages(build: build)
            #expect(stages.map(\.succeeded) == [0, 0], "restart \(restart)")
            #expect(stages.map(\.available) == [2, 0] && stages.map(\.waiting) == [0, 1])
            try runStage()
            stages = try inspector.stages(build: build)
            #expect(stages.map(\.succeeded) == [2, 0] && stages[1].available == 1)
            try runStage()
            stages = try inspector.stages(build: build)
            #expect(stages.map(\.succeeded) == stages.map(\.total), "restart \(restart)")
            #expect(try store.info(build).state == .succeeded)
        }
        // Cancelled, then restarted: the cancelled run's rows count no more than the succeeded ones.
        let second = try store.create(fixture.plan([LayerPlan(name: "b", stages: [jobs(3)])]))
        #expect(try store.cancel(second) == 3)
        #expect(try inspector.stages(build: second).map(\.cancelled) == [3])
        #expect(try store.restart(second) == 3)
        #expect(try inspector.stages(build: second).map { [$0.cancelled, $0.succeeded, $0.available] } == [[0, 0, 3]])
    }

    @Test func viewsAnswerForAnOperator() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(5), jobs(1)])]))
        let worker = try fixture.registerWorker()
        let claimed = try JobQueue(fixture.db).claim(worker: worker, limit: 3)
        _ = try JobQueue(fixture.db).complete([Completion(lease: claimed[0].lease)])
        _ = try JobQueue(fixture.db).fail(claimed[1].lease, message: "disk full", retryable: false)
        let inspector = QueueInspector(fixture.db)
        let stages = try inspector.stages(build: build)
        #expect(stages.count == 2)
        #expect(stages[0].succeeded == 1 && stages[0].running == 1 && stages[0].failed == 1 && stages[0].available == 2)
        #expect(stages[0].remaining == 4 && stages[1].waiting == 1)
        #expect(try inspector.failures(build: build).first?.lastError == "disk full")
        #expect(try inspector.running(build: build).map(\.id) == [claimed[2].id])
        let workers = try inspector.workers()
        #expect(workers.count == 1 && workers[0].alive && workers[0].runningJobs == 1)
        for view in ["v_queue", "v_stage_progress", "v_running", "v_stuck", "v_failed", "v_workers", "v_queue_tables"] {
            _ = try fixture.db.execute("SELECT * FROM \(view)", name: view)
        }
        #expect(try fixture.int("SELECT count(*) AS n FROM v_stuck", []) == 0)
        try fixture.db.execute("UPDATE workers SET last_seen = now() - interval '1 hour'", name: "silence")
        #expect(try fixture.string("SELECT reason AS v FROM v_stuck", []) == "heartbeat stale")
        #expect(try fixture.int("SELECT jobs AS n FROM v_queue WHERE state = 'available'", []) == 2)
    }

    @Test func sqlAdminFunctionsTakeNamedArguments() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([
            LayerPlan(name: "a", stages: [jobs(1)]), LayerPlan(name: "b", stages: [jobs(1)])]))
        let worker = try fixture.registerWorker()
        for job in try JobQueue(fixture.db).claim(worker: worker, limit: 5) {
            _ = try JobQueue(fixture.db).fail(job.lease, message: "x", retryable: false)
        }
        #expect(try fixture.int("SELECT illuminati.retry_failed($1, stage := 0, layer := 'b') AS n", [build]) == 1)
        #expect(try fixture.int("SELECT illuminati.retry_failed($1) AS n", [build]) == 1)
        #expect(try fixture.int("SELECT illuminati.pause($1) AS n", [build]) == 2)
        #expect(try fixture.int("SELECT illuminati.resume($1) AS n", [build]) == 2)
        #expect(try fixture.int("SELECT illuminati.cancel($1) AS n", [build]) == 2)
    }

    @Test func unknownIdsAndBadArgumentsAreTypedErrors() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        #expect(throws: QueueError.unknownBuild(424242)) { try store.pause(424242) }
        #expect(throws: QueueError.unknownBuild(424242)) { try store.resume(424242) }
        #expect(throws: QueueError.unknownBuild(424242)) { try store.cancel(424242) }
        #expect(throws: QueueError.unknownBuild(424242)) { try store.retryFailed(424242) }
        #expect(throws: QueueError.unknownBuild(424242)) { try store.restart(424242) }
        #expect(throws: QueueError.unknownBuild(424242)) { try store.info(424242) }
        #expect(throws: QueueError.unknownBuild(424242)) { try store.layers(424242) }
        #expect(throws: QueueError.unknownBuild(424242)) { try store.start(424242) }
        #expect(throws: QueueError.self) { try store.retryFailed(1, stage: -1) }
        #expect(throws: QueueError.unknownExperiment(999)) {
            try store.create(BuildPlan(experimentID: 999, layers: [LayerPlan(name: "a", stages: [jobs(1)])]))
        }
        #expect(try store.cancelJob(424242) == false)
        #expect(try store.latestBuild(experiment: fixture.experimentID) == nil)
        // A stage below 0 is refused by the database too.
        #expect(throws: DatabaseError.self) {
            try fixture.db.execute("INSERT INTO build_stages (build_id, layer, stage) VALUES (1, 'a', -1)", name: "bad")
        }
    }

    @Test func buildsAreRemovedWithTheirExperiment() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(2)])]))
        let worker = try fixture.registerWorker()
        let claimed = try JobQueue(fixture.db).claim(worker: worker, limit: 2)
        _ = try JobQueue(fixture.db).complete([Completion(lease: claimed[0].lease)])
        _ = try JobQueue(fixture.db).fail(claimed[1].lease, message: "x")
        #expect(try BuildStore(fixture.db).latestBuild(experiment: fixture.experimentID)?.id == build)
        try fixture.db.execute("DELETE FROM experiments", name: "delete")
        for table in ["builds", "build_stages", "jobs", "job_history", "job_errors"] {
            #expect(try fixture.int("SELECT count(*) AS n FROM \(table)", []) == 0, "\(table)")
        }
    }
}
