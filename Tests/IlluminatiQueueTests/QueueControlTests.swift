import Foundation
import IlluminatiCore
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

/// `QueueControl` and `QueueListing`, what `illuminati pause|resume|cancel|retry|jobs|workers`
/// and the queue dashboard run.
@Suite(.tags(.database)) struct QueueControlTests {
    /// Two layers of two stages; the first stage's jobs of layer `a` are claimed and fail for good
    /// with errors naming a file.
    func deadLetters(_ fixture: QueueFixture, count: Int = 2) throws -> (build: Int64, failed: [Int64]) {
        let build = try BuildStore(fixture.db).create(fixture.plan([
            LayerPlan(name: "a", stages: [jobs(count), jobs(1)]), LayerPlan(name: "b", stages: [jobs(1), jobs(1)]),
        ]))
        let worker = try fixture.registerWorker()
        let queue = JobQueue(fixture.db)
        var failed: [Int64] = []
        for job in try queue.claim(worker: worker, limit: 10) where job.stage.layer == "a" {
            _ = try queue.fail(job.lease, message: "/data/plate/A01_s\(job.id)_GFP.tif: truncated strip 3", retryable: false)
            failed.append(job.id)
        }
        return (build, failed.sorted())
    }

    @Test func retryOfOneJobQueuesOnlyThatDeadLetterWithFreshAttempts() throws {
        let fixture = try QueueFixture.make()
        let (build, failed) = try deadLetters(fixture)
        let outcome = try QueueControl(fixture.db).retry(build, RetrySelection(job: failed[0]))
        #expect(outcome.action == .retry && outcome.build == build && outcome.buildState == "running")
        #expect(outcome.jobs == 1 && outcome.jobIDs == [failed[0]])
        #expect(outcome.description == "build \(build): running; 1 job(s) queued again: \(failed[0])")
        #expect(String(decoding: try QueueListing.encoder().encode(outcome), as: UTF8.self)
                == "{\"action\":\"retry\",\"build\":\(build),\"build_state\":\"running\",\"job_ids\":[\(failed[0])],\"jobs\":1}")
        #expect(try fixture.string("SELECT state AS v FROM jobs WHERE id = $1", [failed[0]]) == "available")
        #expect(try fixture.string("SELECT state AS v FROM jobs WHERE id = $1", [failed[1]]) == "failed")
        #expect(try fixture.int("SELECT max_attempts - attempt AS n FROM jobs WHERE id = $1", [failed[0]]) == 3)
        // Not a dead letter any more: left alone.
        #expect(try QueueControl(fixture.db).retry(build, RetrySelection(job: failed[0])).jobs == 0)
    }

    @Test func retryOfAStageOrLayerTakesItsDeadLettersAndNamesThem() throws {
        let fixture = try QueueFixture.make()
        let (build, failed) = try deadLetters(fixture)
        #expect(try QueueControl(fixture.db).retry(build, RetrySelection(layer: "b")).jobs == 0)
        let outcome = try QueueControl(fixture.db).retry(build, RetrySelection(stage: 0, layer: "a"))
        #expect(outcome.jobs == 2 && outcome.jobIDs == failed)
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE state = 'failed'") == 0)
    }

    @Test func whatTheBuildDoesNotHaveIsBadInput() throws {
        let fixture = try QueueFixture.make()
        let (build, _) = try deadLetters(fixture)
        let other = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "z", stages: [jobs(1)])]))
        let otherJob = try fixture.int("SELECT min(id)::integer AS n FROM jobs WHERE build_id = $1", [other])
        let control = QueueControl(fixture.db)
        for (selection, error) in [
            (RetrySelection(stage: 7), QueueControlError.unknownStage(build: build, stage: 7, layer: nil)),
            (RetrySelection(layer: "nope"), .unknownStage(build: build, stage: nil, layer: "nope")),
            (RetrySelection(stage: 1, layer: "z"), .unknownStage(build: build, stage: 1, layer: "z")),
            (RetrySelection(job: 999_999), .unknownJob(999_999, build: build)),
            (RetrySelection(job: Int64(otherJob)), .unknownJob(Int64(otherJob), build: build)),
        ] {
            #expect(throws: error) { try control.retry(build, selection) }
            #expect(ErrorClass(of: error) == .badInput)
        }
        #expect(throws: QueueError.unknownBuild(999_999)) { try control.pause(999_999) }
        #expect(throws: QueueControlError.unknownBuild(999_999, experiment: "queue-test")) {
            try control.build(experimentID: fixture.experimentID, experiment: "queue-test", requested: 999_999)
        }
        #expect(try control.build(experimentID: fixture.experimentID, experiment: "queue-test").id == other)
        #expect(try control.build(experimentID: fixture.experimentID, experiment: "queue-test", requested: build).id == build)
    }

    @Test func allAttemptsAlsoRunsJobsWaitingOutTheirBackoffNow() throws {
        let fixture = try QueueFixture.make()
        let slow = RetryPolicy(maxAttempts: 3, backoff: Backoff(base: .seconds(3600), cap: .seconds(3600)))
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(2)])], retry: slow))
        let worker = try fixture.registerWorker()
        let queue = JobQueue(fixture.db)
        let claimed = try queue.claim(worker: worker, limit: 2)
        _ = try queue.fail(claimed[0].lease, message: "flaky")
        _ = try queue.fail(claimed[1].lease, message: "bad", retryable: false)
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE state = 'available' AND run_at > now()") == 1)
        #expect(try QueueControl(fixture.db).retry(build, RetrySelection()).jobIDs == [claimed[1].id])
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE run_at > now()") == 1, "backoff untouched")
        let outcome = try QueueControl(fixture.db).retry(build, RetrySelection(allAttempts: true))
        #expect(outcome.jobIDs == [claimed[0].id])
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE run_at > now()") == 0)
        #expect(try queue.claim(worker: worker, limit: 5).count == 2)
    }

    @Test func pauseResumeAndCancelSayWhatTheyTouched() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(3)])]))
        let control = QueueControl(fixture.db)
        #expect(try control.pause(build).description == "build \(build): paused; 3 job(s) held")
        #expect(try control.pause(build).jobs == 0)
        #expect(try control.resume(build).description == "build \(build): running; 3 job(s) released")
        #expect(try control.cancel(build).description == "build \(build): cancelled; 3 job(s) cancelled or asked to stop")
    }

    @Test func listingsShowDeadLettersWithTheirFileRunningJobsWithTheirWorkerAndTheWorkers() throws {
        let fixture = try QueueFixture.make()
        let (build, failed) = try deadLetters(fixture)
        let listing = QueueListing(fixture.db)
        let dead = try listing.jobs(build: build, state: .failed)
        #expect(dead.map(\.id) == failed)
        #expect(dead.map(\.file) == failed.map { "/data/plate/A01_s\($0)_GFP.tif" })
        #expect(dead.allSatisfy { $0.lastError?.hasSuffix(": truncated strip 3") == true && $0.worker == nil })
        let running = try listing.jobs(build: build, state: .running)
        #expect(running.map(\.layer) == ["b"])
        #expect(running.first?.worker?.host == "test" && running.first?.worker?.pid == Int(getpid()))
        #expect(try listing.jobs(build: build).count == failed.count + 1 + 2, "every live job without --state")

        let workers = try listing.workers()
        #expect(workers.map(\.hostname) == ["test"] && workers.first?.kinds == ["noop"] && workers.first?.runningJobs == 1)
        #expect(workers.first?.alive == true)

        let overview = try listing.overview()
        #expect(overview.builds.map(\.id) == [build])
        #expect(overview.builds.first?.experiment == "queue-test")
        #expect(overview.builds.first?.stages.map { "\($0.layer)\($0.stage):\($0.failed)" } == ["a0:2", "a1:0", "b0:0", "b1:0"])
        #expect(overview.builds.first?.failed.map(\.id) == failed)
        #expect(overview.builds.first?.running.count == 1)
        let json = String(decoding: try QueueListing.encoder().encode(overview.builds[0].failed[0]), as: UTF8.self)
        #expect(json.contains("\"file\":\"/data/plate/A01_s\(failed[0])_GFP.tif\"") && json.contains("\"max_attempts\":3"), "\(json)")
    }

    @Test func theFileAnErrorNames() {
        #expect(ErrorFile.named(in: "/a/b/c.tif: truncated") == "/a/b/c.tif")
        #expect(ErrorFile.named(in: "cannot read '/x/y z/w.png' (bad)") == nil)
        #expect(ErrorFile.named(in: "stage 1/3 failed reading /d/e.TIFF, giving up") == "/d/e.TIFF")
        #expect(ErrorFile.named(in: "lease lost: the worker stopped sending heartbeats") == nil)
        #expect(ErrorFile.named(in: "/tmp/folder/ is not a file") == nil)
    }
}
