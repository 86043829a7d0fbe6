import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct RetentionTests {
    /// A build whose `count` jobs all succeeded, finished `daysAgo` days ago (history included).
    private func finishedBuild(_ fixture: QueueFixture, jobs count: Int, daysAgo: Int, layer: String = "a") throws -> Int64 {
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: layer, stages: [jobs(count)])]))
        let worker = try fixture.registerWorker()
        let claimed = try JobQueue(fixture.db).claim(worker: worker, limit: count)
        _ = try JobQueue(fixture.db).complete(claimed.map { Completion(lease: $0.lease) })
        #expect(try BuildStore(fixture.db).info(build).state == .succeeded)
        try age(fixture, build: build, days: daysAgo)
        return build
    }

    /// Moves a build's finish, history and errors `days` into the past.
    private func age(_ fixture: QueueFixture, build: Int64, days: Int) throws {
        let shift = "\(days) days"
        _ = try fixture.db.execute("UPDATE builds SET finished_at = finished_at - $2::interval WHERE id = $1",
                                   [build.sqlValue, shift.sqlValue], name: "age builds")
        _ = try fixture.db.execute("UPDATE job_history SET finished_at = finished_at - $2::interval WHERE build_id = $1",
                                   [build.sqlValue, shift.sqlValue], name: "age history")
        _ = try fixture.db.execute("UPDATE job_errors SET at = at - $2::interval WHERE build_id = $1",
                                   [build.sqlValue, shift.sqlValue], name: "age errors")
    }

    private func count(_ fixture: QueueFixture, _ table: String, build: Int64) throws -> Int {
        try fixture.int("SELECT count(*) AS n FROM \(table) WHERE build_id = $1", [build])
    }

    @Test func oldHistoryGoesYoungStaysAndAPrunedBuildCannotRestart() throws {
        let fixture = try QueueFixture.make()
        let old = try finishedBuild(fixture, jobs: 5, daysAgo: 8)
        let young = try finishedBuild(fixture, jobs: 3, daysAgo: 6)
        #expect(try Retention(fixture.db).age() == .seconds(7 * 86_400))
        #expect(try Retention(fixture.db).prune() == PrunedRows(history: 5, errors: 0))
        #expect(try count(fixture, "job_history", build: old) == 0)
        #expect(try count(fixture, "job_history", build: young) == 3)
        #expect(throws: QueueError.buildHistoryPruned(old)) { try BuildStore(fixture.db).restart(old) }
        #expect(try BuildStore(fixture.db).restart(young) == 3)
    }

    /// Ends (or lengthens) a job's backoff: it is claimable from now + `offset`.
    private func due(_ fixture: QueueFixture, _ job: Int64, in offset: String = "-1 second") throws {
        _ = try fixture.db.execute("UPDATE jobs SET run_at = now() + $2::interval WHERE id = $1", [job.sqlValue, offset.sqlValue],
                                   name: "due")
    }

    /// The most eager pruning there is (age 0) removes neither live jobs, nor dead letters, nor
    /// the errors of a live job or of any job of a build that has a dead letter.
    @Test func pruningNeverTouchesLiveJobsDeadLettersOrTheErrorsOfAFailedBuild() throws {
        let fixture = try QueueFixture.make()
        let queue = JobQueue(fixture.db)
        let worker = try fixture.registerWorker()
        // One dead letter, one job that failed once and then succeeded, one running, one
        // available, and a second stage waiting.
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(4), jobs(2)])]))
        let claimed = try queue.claim(worker: worker, limit: 2)
        #expect(try queue.fail(claimed[0].lease, message: "bad input", retryable: false)?.state == .failed)
        #expect(try queue.fail(claimed[1].lease, message: "flaky")?.state == .available)
        try due(fixture, claimed[1].id)
        let retried = try #require(try queue.claim(worker: worker, limit: 1).first)
        #expect(retried.id == claimed[1].id)
        #expect(try queue.complete(retried.lease))
        #expect(try queue.claim(worker: worker, limit: 1).count == 1)
        try age(fixture, build: build, days: 30)
        let live = try fixture.int("SELECT count(*) AS n FROM jobs")
        #expect(live == 5)

        #expect(try Retention(fixture.db).prune(olderThan: .zero) == PrunedRows(history: 0, errors: 0))
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs") == live)
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE state = 'failed'") == 1)
        #expect(try count(fixture, "job_errors", build: build) == 2, "both errors of the failed build stay")
        #expect(try count(fixture, "job_history", build: build) == 1, "a live build's history stays")
    }

    /// In a build without dead letters, the error of a job that later succeeded goes; that of a
    /// job still to run again stays.
    @Test func errorsOfJobsStillLiveStayAndThoseOfFinishedJobsGo() throws {
        let fixture = try QueueFixture.make()
        let queue = JobQueue(fixture.db)
        let worker = try fixture.registerWorker()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(2)])]))
        let claimed = try queue.claim(worker: worker, limit: 2)
        for job in claimed { #expect(try queue.fail(job.lease, message: "flaky")?.state == .available) }
        try due(fixture, claimed[0].id)
        try due(fixture, claimed[1].id, in: "1 hour")
        let retried = try #require(try queue.claim(worker: worker, limit: 1).first)
        #expect(retried.id == claimed[0].id)
        #expect(try queue.complete(retried.lease))
        try age(fixture, build: build, days: 8)

        #expect(try Retention(fixture.db).prunable() == PrunedRows(history: 0, errors: 1))
        #expect(try Retention(fixture.db).prune() == PrunedRows(history: 0, errors: 1))
        #expect(try fixture.int("SELECT count(*) AS n FROM job_errors WHERE job_id = $1", [claimed[1].id]) == 1)
        #expect(try fixture.int("SELECT count(*) AS n FROM job_errors WHERE job_id = $1", [claimed[0].id]) == 0)
    }

    /// The reaper prunes one bounded batch per sweep; `prune` goes on until nothing is left.
    @Test func batchesAreBounded() throws {
        let fixture = try QueueFixture.make()
        let build = try finishedBuild(fixture, jobs: 25, daysAgo: 10)
        #expect(try Reaper(fixture.db).sweep(maxPruned: 7).pruned == PrunedRows(history: 7, errors: 0))
        #expect(try count(fixture, "job_history", build: build) == 18)
        #expect(try Retention(fixture.db).pruneBatch(batch: 10) == PrunedRows(history: 10, errors: 0))
        #expect(try Retention(fixture.db).prune(batch: 3) == PrunedRows(history: 8, errors: 0))
        #expect(try count(fixture, "job_history", build: build) == 0)
        #expect(try Reaper(fixture.db).sweep(maxPruned: 7).pruned == PrunedRows(history: 0, errors: 0))
    }

    /// A dry run counts what pruning would remove and removes nothing.
    @Test func dryRunChangesNothing() throws {
        let fixture = try QueueFixture.make()
        let old = try finishedBuild(fixture, jobs: 4, daysAgo: 9)
        _ = try finishedBuild(fixture, jobs: 2, daysAgo: 1)
        let before = try fixture.int("SELECT count(*) AS n FROM job_history")
        #expect(try Retention(fixture.db).prunable() == PrunedRows(history: 4, errors: 0))
        #expect(try Retention(fixture.db).prunable(olderThan: .seconds(3_600)) == PrunedRows(history: 6, errors: 0))
        #expect(try fixture.int("SELECT count(*) AS n FROM job_history") == before)
        #expect(try fixture.int("SELECT count(*) AS n FROM builds WHERE history_pruned_at IS NOT NULL") == 0)
        #expect(try BuildStore(fixture.db).restart(old) == 4)
    }

    /// Every reaper prunes by the database's setting `illuminati.history_retention`.
    @Test func theRetentionAgeIsADatabaseSetting() throws {
        let fixture = try QueueFixture.make()
        let build = try finishedBuild(fixture, jobs: 3, daysAgo: 2)
        #expect(try Reaper(fixture.db).sweep().pruned == PrunedRows(history: 0, errors: 0))
        _ = try fixture.db.execute("SET illuminati.history_retention = '1 day'", name: "retention")
        #expect(try Retention(fixture.db).age() == .seconds(86_400))
        #expect(try Reaper(fixture.db).sweep().pruned == PrunedRows(history: 3, errors: 0))
        #expect(try count(fixture, "job_history", build: build) == 0)
    }

    /// `v_queue_tables` shows pruned rows as dead tuples of job_history until vacuum.
    @Test func theQueueTablesViewShowsTheEffect() throws {
        let fixture = try QueueFixture.make()
        _ = try finishedBuild(fixture, jobs: 6, daysAgo: 8)
        let dead = "SELECT n_dead_tup AS n FROM v_queue_tables WHERE table_name = 'job_history'"
        _ = try fixture.db.execute("SELECT pg_stat_force_next_flush()", name: "flush")
        let before = try fixture.int(dead)
        _ = try Retention(fixture.db).prune()
        _ = try fixture.db.execute("SELECT pg_stat_force_next_flush()", name: "flush")
        // Another session's view of the statistics, taken after the flush.
        let other = try fixture.connect()
        let after = try other.execute(dead, name: "probe").one().int("n")
        #expect(after == before + 6)
    }
}
