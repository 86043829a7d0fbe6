import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiSchema
import IlluminatiTestSupport
import Testing

/// A database upgraded to 008 (`level` → `stage`) in the middle of a build: the build goes on
/// where it was, and nothing of the old names is left to break at its next call.
@Suite(.tags(.database)) struct StageMigrationTests {
    @Test func aBuildInProgressUnder007ContinuesAfter008() throws {
        let fixture = try QueueFixture.make(migratedThrough: 7)
        let db = fixture.db
        let worker = try fixture.registerWorker()

        // What the previous release did, in its own names: plan layer a (stages of 3 and 1
        // jobs) and layer b after it, start, claim two jobs of a's first stage, complete one.
        let build = try db.execute("INSERT INTO builds (experiment_id, max_attempts) VALUES ($1, 3) RETURNING id",
                                   [fixture.experimentID.sqlValue], name: "build").one().int64("id")
        try db.execute("""
            INSERT INTO build_levels (build_id, layer, level, total_jobs, after_layers)
            VALUES ($1, 'a', 0, 3, '{}'), ($1, 'a', 1, 1, '{}'), ($1, 'b', 0, 1, '{a}')
            """, [build.sqlValue], name: "levels")
        try db.execute("""
            INSERT INTO jobs (build_id, layer, level, kind, locality, max_attempts)
            VALUES ($1, 'a', 0, 'noop', 0, 3), ($1, 'a', 0, 'noop', 1, 3), ($1, 'a', 0, 'noop', 2, 3),
                   ($1, 'a', 1, 'noop', 0, 3), ($1, 'b', 0, 'noop', 0, 3)
            """, [build.sqlValue], name: "jobs")
        try db.execute("SELECT queue_start_build($1)", [build.sqlValue], name: "start")
        let claimed = try db.execute("""
            UPDATE jobs SET state = 'running', attempt = attempt + 1, worker_id = $2, claimed_at = now(),
                            deadline_at = now() + max_runtime
            WHERE id IN (SELECT id FROM jobs WHERE build_id = $1 AND state = 'available' ORDER BY locality LIMIT 2)
            RETURNING id
            """, [build.sqlValue, worker.sqlValue], name: "claim").rows.map { try $0.int64("id") }.sorted()
        try db.execute("""
            WITH gone AS (DELETE FROM jobs WHERE id = $1 RETURNING *)
            INSERT INTO job_history (job_id, build_id, layer, level, kind, payload, priority, locality, max_runtime,
                                     outcome, attempt, worker_id, enqueued_at, started_at)
            SELECT id, build_id, layer, level, kind, payload, priority, locality, max_runtime,
                   'succeeded', attempt, worker_id, created_at, claimed_at FROM gone
            """, [claimed[0].sqlValue], name: "complete")
        #expect(try fixture.int("SELECT queue_advance_level($1, 'a', 0)::int AS n", [build]) == 0)

        let applied = try Migrator(migrations: Schema.migrations).migrate(db).applied.map(\.version)
        #expect(applied == Schema.migrations.map(\.version).filter { $0 >= 8 }.sorted())

        let inspector = QueueInspector(db)
        let before = try inspector.stages(build: build)
        #expect(before.map { "\($0.layer)/\($0.stage) \($0.state.rawValue)" } == ["a/0 running", "a/1 waiting", "b/0 waiting"])
        #expect(before[0].succeeded == 1 && before[0].running == 1 && before[0].available == 1 && before[1].waiting == 1)
        #expect(try inspector.running(build: build).map(\.stage) == [StageKey(build: build, layer: "a", stage: 0)])

        // The lease taken before the upgrade still fences: its completion counts.
        let queue = JobQueue(db)
        let report = try queue.complete([Completion(lease: JobLease(job: claimed[1], attempt: 1, worker: worker))])
        #expect(report.completed == [claimed[1]] && report.advanced.isEmpty)
        #expect(try Reaper(db).sweep().advancedStages == 0)

        // The rest runs stage by stage, layer b after layer a, to the end of the build.
        var rounds: [String] = []
        while true {
            let jobs = try queue.claim(worker: worker, limit: 10)
            if jobs.isEmpty { break }
            rounds.append(Set(jobs.map { "\($0.stage.layer)/\($0.stage.stage)" }).sorted().joined(separator: " "))
            _ = try queue.complete(jobs.map { Completion(lease: $0.lease) })
        }
        #expect(rounds == ["a/0", "a/1", "b/0"])
        #expect(try BuildStore(db).info(build).state == .succeeded)
        #expect(try inspector.stages(build: build).allSatisfy { $0.state == .succeeded && $0.succeeded == $0.total })
        #expect(try inspector.history(build: build).succeeded == 5)

        // Nothing answers to the old names, and no queue function still reads them.
        #expect(try fixture.int("""
            SELECT (to_regclass('build_levels') IS NOT NULL)::int + (to_regclass('v_level_progress') IS NOT NULL)::int
                   + (to_regprocedure('queue_advance_level(bigint, text, integer)') IS NOT NULL)::int
                   + (to_regprocedure('queue_release_level(bigint, text, integer)') IS NOT NULL)::int
                   + (to_regprocedure('queue_advance_ready_levels()') IS NOT NULL)::int AS n
            """) == 0)
        #expect(try fixture.int("""
            SELECT count(*) AS n FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE (n.nspname = 'illuminati' OR p.proname LIKE 'queue\\_%') AND p.prosrc ~ '\\mlevels?\\M'
            """) == 0)
        #expect(try fixture.int("""
            SELECT count(*) AS n FROM information_schema.columns
            WHERE table_schema = current_schema() AND column_name = 'level'
            """) == 0)
    }
}
