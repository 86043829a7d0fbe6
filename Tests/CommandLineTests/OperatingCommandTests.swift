import Foundation
import IlluminatiMetrics
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database, .process)) struct OperatingCommandTests {
    /// A build that succeeded `daysAgo` days ago with `jobs` rows of history.
    private func finishedBuild(_ db: DatabaseConnection, jobs: Int, daysAgo: Int) throws {
        let build = try db.execute("""
            WITH experiment AS (
                INSERT INTO experiments (name, plate_format, site_height, site_width, bit_depth, pyramid_height, pyramid_width,
                                         pyramid_depth, manifest_path)
                VALUES ('pruned-\(daysAgo)', 1, 100, 100, 8, 1000, 1000, 3, '/tmp/manifest.csv') RETURNING id
            )
            INSERT INTO builds (experiment_id, state, started_at, finished_at)
            SELECT id, 'succeeded', now() - interval '\(daysAgo) days', now() - interval '\(daysAgo) days' FROM experiment
            RETURNING id
            """, name: "build").one().int64("id")
        _ = try db.execute("""
            INSERT INTO job_history (job_id, build_id, layer, stage, kind, payload, priority, locality, max_runtime, outcome,
                                     attempt, enqueued_at, finished_at)
            SELECT 1000 * $1 + i, $1, 'a', 0, 'noop', '{}', 100, i, '15 minutes', 'cancelled', 0, now(), now()
            FROM generate_series(1, $2) AS i
            """, [build.sqlValue, jobs.sqlValue], name: "history")
    }

    /// `prune --dry-run` says what would go and removes nothing; `prune` removes it and says so.
    @Test func pruneRemovesOldHistoryAndADryRunOnlyTellsWhat() throws {
        let (database, db) = try TestDatabase.create()
        try finishedBuild(db, jobs: 12, daysAgo: 10)
        try finishedBuild(db, jobs: 5, daysAgo: 2)
        let history = "SELECT count(*) AS n FROM job_history"

        let dry = try illuminati(["prune", "--dry-run"], database: database)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout == "would remove 12 history row(s) and 0 error row(s) older than 7d (dry run: nothing removed)\n")
        #expect(try db.execute(history, name: "count").one().int("n") == 17)

        let dryDay = try illuminati(["prune", "--dry-run", "--older-than", "1d"], database: database)
        #expect(dryDay.stdout.hasPrefix("would remove 17 history row(s)"), "\(dryDay.stdout)")

        let pruned = try illuminati(["prune", "--older-than", "7d"], database: database)
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(pruned.stdout == "removed 12 history row(s) and 0 error row(s) older than 7d\n")
        #expect(try db.execute(history, name: "count").one().int("n") == 5)

        let bad = try illuminati(["prune", "--older-than", "7"], database: database)
        #expect(bad.status == 64 && bad.stderr.contains("--older-than"), "\(bad.stderr)")
    }

    /// `illuminati metrics` serves the queue's state alone, every family of it from the start,
    /// and Prometheus' linter passes the page.
    @Test func metricsExporterServesTheQueueStateFromTheStart() throws {
        let (database, _) = try TestDatabase.create()
        let exporter = try Executables.start("illuminati", ["metrics", "--database-url", database, "--port", "0"])
        defer { exporter.stop() }
        let line = try #require(exporter.waitForLine(containing: "metrics: http://127.0.0.1:", timeout: .seconds(60)),
                                "no metrics line: \(exporter.stdoutSoFar)")
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        let scraped = try #require(httpGet(port: port, path: "/metrics"))
        for family in MetricCatalog.queueState {
            #expect(scraped.contains("# HELP \(family.name) ") && scraped.contains("# TYPE \(family.name) gauge\n"),
                    "\(family.name) is missing:\n\(scraped)")
        }
        #expect(scraped.contains("\nilluminati_queue_up 1\n") && scraped.contains("\nilluminati_queue_dead_letters 0\n"), "\(scraped)")
        #expect(!scraped.contains("http_server_"), "the exporter serves the queue's state only")
        let lint = try Promtool.checkMetrics(scraped)
        #expect(lint.status == 0 && lint.output.isEmpty, "promtool: \(lint.output)\n\(scraped)")
        #expect(try RawHTTP.request(port: port, method: "GET", target: "/", headers: [:]).status == 404)
    }
}
