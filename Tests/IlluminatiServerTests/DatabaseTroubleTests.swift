import Foundation
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiServer
import IlluminatiTestSupport
import Testing

/// The server when PostgreSQL is away or slow: each test registers the fixture's experiment in
/// a database of its own (same storage, so the same tiles) and starts a server in front of it,
/// so that it can take that database away without disturbing the other tests.
@Suite(.tags(.database)) struct DatabaseTroubleTests {
    @Test func tilesKeepComingFromTheLastGoodCatalogWhileTheDatabaseIsAway() async throws {
        let f = try await fixture()
        // Lifetime 0: every request finds the catalog expired, as a server does 10 s into an outage.
        let s = try await PrivateServer.start(f, catalogLifetime: 0)
        let layer = f.layers[0], layerID = try #require(s.layerIDs[layer])
        let z = try f.descriptor(layer).tissueMAPS.depth - 1
        let tilePaths = ["/api/experiments/\(s.experimentID)/channel_layers/\(layerID)/tiles?x=0&y=0&z=\(z)",
                         "/dzi/\(s.experimentID)/\(layer)_files/0/0_0.jpg", "/xyz/\(s.experimentID)/\(layer)/0/0/0.jpg"]
        for path in tilePaths { #expect(try await s.get(path).status == 200, "\(path)") }
        #expect(try await s.get("/api/experiments/\(s.experimentID)").status == 200)

        try s.refuseConnections()
        for _ in 0..<3 {
            for path in tilePaths {
                let response = try await s.get(path)
                #expect(response.status == 200, "\(path) while the database is away: \(response.text.prefix(300))")
                #expect(response.headers["content-type"] == "image/jpeg", "\(path)")
            }
        }
        let stored = try f.storedTile(layer, level: 0, column: 0, row: 0) ?? f.blankTile(layer)
        #expect(try await s.get(tilePaths[1]).body == stored)
        #expect(try await s.get("/dzi/\(s.experimentID)/\(layer).dzi").status == 200)
        #expect(try await s.get("/api/experiments").status == 200, "the list is metadata the catalog already holds")

        // The document needs the map-object counts: the database is missed, and the answer says so
        // without libpq's text (socket paths, user and database names).
        let document = try await s.get("/api/experiments/\(s.experimentID)")
        #expect(document.status == 503)
        try expectGenericError(document)

        // Back again: the background refresh picks up what changed meanwhile.
        try s.allowConnections()
        try ExperimentStore(s.connection).setPixelSize(experimentID: s.experimentID, micrometres: 1.25)
        let deadline = ContinuousClock.now + .seconds(30)
        var pixelSize: Double?
        while pixelSize != 1.25 && ContinuousClock.now < deadline {
            let response = try await s.get("/api/experiments/\(s.experimentID)")
            if response.status == 200 { pixelSize = (try response.json()["data"] as? [String: Any])?["pixel_size_um"] as? Double }
            if pixelSize != 1.25 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(pixelSize == 1.25, "the catalog is read again once the database is back")
        await s.stop()
    }

    /// `/metrics` reads the queue on each scrape: while the database is away it still answers,
    /// at once, with `illuminati_queue_up 0` and no queue state that would look like an idle queue.
    @Test func metricsSayTheQueueCannotBeReadWhileTheDatabaseIsAway() async throws {
        let f = try await fixture()
        let s = try await PrivateServer.start(f, catalogLifetime: 0)
        let healthy = try await s.get("/metrics")
        #expect(healthy.status == 200 && healthy.text.contains("\nilluminati_queue_up 1\n"), "\(healthy.text)")
        #expect(healthy.text.contains("\nilluminati_queue_workers_alive 0\n"))

        try s.refuseConnections()
        let started = ContinuousClock.now
        let away = try await s.get("/metrics")
        #expect(ContinuousClock.now - started < .seconds(30), "bounded: the pool tries each connection once")
        #expect(away.status == 200 && away.text.contains("\nilluminati_queue_up 0\n"), "\(away.text)")
        #expect(!away.text.contains("illuminati_queue_workers_alive"), "\(away.text)")
        #expect(away.text.contains("# HELP illuminati_serve_tiles_total "), "the server's own metrics are still there")

        try s.allowConnections()
        let back = try await s.get("/metrics")
        #expect(back.text.contains("\nilluminati_queue_up 1\n"), "\(back.text)")
        await s.stop()
    }

    @Test func aSlowMapObjectRequestDoesNotHoldUpTiles() async throws {
        let f = try await fixture()
        let s = try await PrivateServer.start(f, catalogLifetime: 0, statementTimeout: 60)
        let layer = f.layers[0], layerID = try #require(s.layerIDs[layer])
        let tile = "/api/experiments/\(s.experimentID)/channel_layers/\(layerID)/tiles?x=0&y=0&z=0"
        #expect(try await s.get(tile).status == 200)

        // The test holds a lock on the map objects, so the map-object request waits in PostgreSQL.
        let locker = try DatabaseConnection(conninfo: s.conninfo)
        try locker.execute("BEGIN", name: "BEGIN")
        try locker.execute("LOCK TABLE mapobjects IN ACCESS EXCLUSIVE MODE", name: "LOCK")
        let slow = Task { try await s.get("/api/experiments/\(s.experimentID)/mapobjects/Wells") }
        try await s.waitForServerBackendWaitingOnALock(locker)

        let answer = try await s.get(tile)
        let stillWaiting = try s.serverBackendsWaitingOnALock(locker)
        try locker.execute("ROLLBACK", name: "ROLLBACK")
        #expect(answer.status == 200)
        #expect(stillWaiting > 0, "the tile answered while the map-object request was still waiting")
        let released = try await slow.value
        #expect(released.status == 200)
        #expect((try released.json()["features"] as? [Any])?.count == f.wells)
        await s.stop()
    }

    @Test func aMetadataStatementThatRunsTooLongIsCancelledWithAGenericAnswer() async throws {
        let f = try await fixture()
        let s = try await PrivateServer.start(f, catalogLifetime: 10, statementTimeout: 0.5)
        #expect(try await s.get("/api/experiments/\(s.experimentID)").status == 200)
        let locker = try DatabaseConnection(conninfo: s.conninfo)
        try locker.execute("BEGIN", name: "BEGIN")
        try locker.execute("LOCK TABLE mapobjects IN ACCESS EXCLUSIVE MODE", name: "LOCK")
        let started = ContinuousClock.now
        let response = try await s.get("/api/experiments/\(s.experimentID)/mapobjects/Wells")
        let waited = ContinuousClock.now - started
        try locker.execute("ROLLBACK", name: "ROLLBACK")
        // The lock is held until after the answer, so only the statement timeout can have ended
        // the statement; the bound only turns a missing timeout into a failure instead of a hang.
        #expect(waited < .seconds(60), "the statement ran \(waited) although the limit is 0.5 s")
        #expect(response.status == 503)
        try expectGenericError(response)
        #expect(try await s.get("/api/experiments/\(s.experimentID)/mapobjects/Wells").status == 200,
                "the connection is usable after a cancelled statement")
        await s.stop()
    }

    /// A 5xx names a request id (also in `X-Request-Id`, and in the server's log with the
    /// details), never the database's own words.
    private func expectGenericError(_ response: HTTPResult) throws {
        let error = try #require(try response.json()["error"] as? [String: Any], "\(response.text)")
        let message = try #require(error["message"] as? String)
        let id = try #require(response.headers["x-request-id"], "no X-Request-Id header")
        #expect(!id.isEmpty && message.contains(id), "\(message) names the request id \(id)")
        #expect(error["request_id"] as? String == id)
        for leak in ["PostgreSQL:", "socket", ".s.PGSQL", "/tmp", "FATAL", "SQLSTATE", "canceling", "statement", "dbname",
                     "database \""] {
            #expect(!response.text.contains(leak), "\(leak) in \(response.text)")
        }
    }
}

/// A server in front of a database of its own, holding the fixture's experiment and outlines.
struct PrivateServer {
    let conninfo: String
    let connection: DatabaseConnection
    let databaseName: String
    let experimentID: Int64
    let layerIDs: [String: Int64]
    let running: RunningServer

    static func start(_ f: ServerFixture, catalogLifetime: Double, statementTimeout: Double = 5,
                      storageRoot: String? = nil) async throws -> PrivateServer {
        let (conninfo, connection) = try TestDatabase.create()
        let layout = try PlateLayout(f.experiment.layoutSpec)
        let id = try ExperimentStore(connection).create(f.experiment, layout: layout)
        try MapObjectStore(connection).replace(experimentID: id, outlines: layout.mapObjectOutlines())
        let stored = try ExperimentStore(connection).load(f.experiment.name)
        let name = try connection.execute("SELECT current_database() AS name", name: "name").one().string("name")
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, storageRoot: storageRoot ?? f.storage, conninfo: conninfo,
                                                catalogLifetimeSeconds: catalogLifetime)
        configuration.statementTimeoutSeconds = statementTimeout
        let running = try await TileServer(configuration: configuration).start()
        return PrivateServer(conninfo: conninfo, connection: connection, databaseName: name, experimentID: id,
                             layerIDs: Dictionary(uniqueKeysWithValues: stored.layers.map { ($0.layer.name, $0.id) }),
                             running: running)
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> HTTPResult {
        try await ServerFixture.get(path, port: running.port, headers: headers)
    }

    func stop() async { await running.stop() }

    /// New connections are refused and the server's are ended: the database is away for it
    /// (the test's own connection stays, to bring it back). A database cannot refuse
    /// connections to itself, so this is done from the cluster's `postgres` database.
    func refuseConnections() throws {
        let own = try connection.execute("SELECT pg_backend_pid() AS pid", name: "pid").one().int("pid")
        let admin = try administrator()
        try admin.execute("ALTER DATABASE \(databaseName) ALLOW_CONNECTIONS false", name: "ALTER DATABASE")
        try admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2",
                          [databaseName.sqlValue, own.sqlValue], name: "terminate")
    }

    func allowConnections() throws {
        try administrator().execute("ALTER DATABASE \(databaseName) ALLOW_CONNECTIONS true", name: "ALTER DATABASE")
    }

    private func administrator() throws -> DatabaseConnection {
        try DatabaseConnection(conninfo: conninfo.replacingOccurrences(of: "dbname=\(databaseName)", with: "dbname=postgres"))
    }

    /// Backends of this database other than the test's own that wait for a lock.
    func serverBackendsWaitingOnALock(_ locker: DatabaseConnection) throws -> Int {
        try connection.execute("""
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
            """, name: "waiting").one().int("n")
    }

    func waitForServerBackendWaitingOnALock(_ locker: DatabaseConnection) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try serverBackendsWaitingOnALock(locker) == 0 {
            guard ContinuousClock.now < deadline else { throw HTTPTestError("no server request waits on the lock") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
