import Foundation
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiSchema
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database, .process)) struct DatabaseCommandTests {
    @Test func concurrentMigrateProcessesApplyEachMigrationOnce() throws {
        let (database, db) = try TestDatabase.create(migrated: false)
        let running = try (0..<4).map { _ in try Executables.start("illuminati", ["migrate", "--database-url", database]) }
        let outcomes = running.map { $0.finish() }
        #expect(outcomes.allSatisfy { $0.status == 0 }, "\(outcomes.map(\.stderr))")
        #expect(outcomes.filter { $0.stdout.contains("applied 001") }.count == 1)
        let count = try db.execute("SELECT count(*) AS n FROM schema_migrations", name: "count").one().int("n")
        #expect(count == Schema.migrations.count)
    }

    @Test func workerRegistersServesMetricsAndExitsWhenIdle() throws {
        let (database, db) = try TestDatabase.create()
        let storage = TemporaryDirectory.make(prefix: "illuminati-storage")
        let port = 19_000 + Int(getpid() % 1000)
        let worker = try Executables.start("illuminati-worker", [
            "--database-url", database, "--storage", storage.path, "--idle-exit", "3", "--metrics-port", "\(port)",
            "--metrics-address", "127.0.0.1", "--log-level", "info"])
        var metrics = ""
        for _ in 0..<40 where metrics.isEmpty {
            usleep(100_000)
            metrics = httpGet(port: port, path: "/metrics") ?? ""
        }
        let outcome = try #require(worker.finish(timeout: .seconds(30)))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("illuminati-worker 0.1.0"))
        #expect(metrics.contains("# TYPE"), "metrics: \(metrics.prefix(200))")
        #expect(outcome.stderr.contains("worker registered"))
        #expect(outcome.stderr.contains("no job for"), "the idle limit stopped it")
        _ = db
        let version = try Executables.run("illuminati-worker", ["--version"])
        #expect(version.stdout.contains("0.1.0"))
    }

    /// The worker checks the queue's migrations only: the experiment model's are not its
    /// concern, nor are versions newer than it; a queue migration not yet applied is.
    @Test func workerRefusesOnlyADatabaseWithoutTheQueuesMigrations() throws {
        let storage = TemporaryDirectory.make(prefix: "illuminati-storage")
        defer { storage.remove() }
        let (old, _) = try TestDatabase.create(migratedThrough: 7)
        let refused = try Executables.run("illuminati-worker", ["--database-url", old, "--storage", storage.path])
        #expect(refused.status == 2)
        let pending = QueueSchema.migrations.filter { $0.version > 7 }.count
        #expect(refused.stderr.contains("the database's schema is not up to date (\(pending) migration(s) pending); "
                                        + "run `illuminati migrate` with the same database first"), "\(refused.stderr)")

        let (database, db) = try TestDatabase.create(migrated: false)
        let experiments = DatabaseSchema.migrations.filter { $0.version == 1 }
        try Migrator(migrations: experiments + QueueSchema.migrations).migrate(db)
        try db.migrationRecord(version: Schema.migrations.count + 1, name: "of_a_newer_release", checksum: "0")
        let accepted = try Executables.run("illuminati-worker", ["--database-url", database, "--storage", storage.path,
                                                                  "--idle-exit", "1", "--log-level", "info"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stderr.contains("worker registered"))
    }

    @Test func workerWithoutADatabaseSaysWhatToDo() throws {
        let outcome = try Executables.run("illuminati-worker", [])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("no database configured"))
    }

    @Test func embeddedClusterIsStartedOnDemandAndStoppedOnExit() throws {
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        let stateDirectory = state.file("state")
        let first = try Executables.run("illuminati", ["experiment", "list", "--state-dir", stateDirectory])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("no experiments"))
        let data = stateDirectory + "/postgres/data"
        #expect(FileManager.default.fileExists(atPath: data + "/PG_VERSION"))
        #expect(!FileManager.default.fileExists(atPath: data + "/postmaster.pid"), "the private cluster must be stopped on exit")

        // A second run reuses the cluster and its data.
        let created = try Executables.run("illuminati", ["experiment", "create", "kept", "--manifest", smallPlate.manifest,
                                                          "--state-dir", stateDirectory])
        #expect(created.status == 0, "\(created.stderr)")
        let listed = try Executables.run("illuminati", ["experiment", "list", "--state-dir", stateDirectory])
        #expect(listed.stdout.contains("kept"))
        #expect(!FileManager.default.fileExists(atPath: data + "/postmaster.pid"))

        // The worker joins a running private cluster by state folder, never starts one.
        let worker = try Executables.run("illuminati-worker", ["--state-dir", stateDirectory, "--connect-timeout", "1",
                                                                "--storage", state.path])
        #expect(worker.status == 2 && worker.stderr.contains("cannot reach PostgreSQL"), "\(worker.stderr)")
    }

    @Test func whatIlluminatiCreatesByDefaultIsPrivate() throws {
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        let stateDirectory = state.file("state")
        let server = try Executables.start("illuminati", ["serve", "--port", "0", "--state-dir", stateDirectory])
        #expect(server.waitForLine(containing: "http://", timeout: .seconds(120)) != nil, "serve did not start")
        server.send(SIGTERM)
        _ = server.finish()
        func mode(_ path: String) -> mode_t {
            var status = stat()
            return lstat(path, &status) == 0 ? status.st_mode & 0o777 : 0
        }
        // Root's `postgres` server user must pass through the state folder to its own folder.
        #expect(mode(stateDirectory) == (getuid() == 0 ? 0o711 : 0o700))
        #expect(mode(stateDirectory + "/storage") == 0o700)
        #expect(mode(stateDirectory + "/postgres") == 0o700)
    }

    @Test func interruptingACommandStillStopsThePrivateCluster() throws {
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        let stateDirectory = state.file("state")
        // The demo opens the database, then writes a sample plate: long enough to interrupt.
        let running = try Executables.start("illuminati", ["demo", "--state-dir", stateDirectory])
        let data = stateDirectory + "/postgres/data"
        // Past start-up, into the sample generation: its progress line (on stderr, every
        // quarter) comes once the cluster runs and a quarter of the images are written.
        let progress = running.waitForStderrLine(containing: "writing sample images:", timeout: .seconds(120))
        #expect(progress != nil, "no progress from the sample generation: \(running.stderrSoFar)")
        #expect(FileManager.default.fileExists(atPath: data + "/postmaster.pid"), "the private cluster runs")
        kill(running.pid, SIGINT)
        let outcome = running.finish()
        #expect(outcome.status != 0 || outcome.stdout.contains("registered"))
        #expect(noStackTrace(outcome))
        var stopped = false
        for _ in 0..<100 where !stopped {
            stopped = !FileManager.default.fileExists(atPath: data + "/postmaster.pid")
            if !stopped { usleep(100_000) }
        }
        #expect(stopped, "the private cluster must be stopped after an interrupt")
    }
}

/// A plain HTTP/1.1 GET on loopback; the body, or nil when nothing answers.
func httpGet(port: Int, path: String) -> String? {
    try? RawHTTP.request(port: port, method: "GET", target: path, headers: [:]).text
}
