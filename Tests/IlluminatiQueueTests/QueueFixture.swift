import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport

/// A migrated test database with one experiment to hang builds on.
struct QueueFixture {
    let conninfo: String
    let db: DatabaseConnection
    let experimentID: Int64

    /// `migratedThrough`: a database an older release made, up to that migration only.
    static func make(migratedThrough version: Int? = nil) throws -> QueueFixture {
        let (conninfo, db) = try version.map { try TestDatabase.create(migratedThrough: $0) } ?? TestDatabase.create()
        let experiment = try db.execute("""
            INSERT INTO experiments (name, plate_format, site_height, site_width, bit_depth,
                                     pyramid_height, pyramid_width, pyramid_depth, manifest_path)
            VALUES ('queue-test', 1, 100, 100, 8, 1000, 1000, 3, '/tmp/manifest.csv') RETURNING id
            """, name: "experiment").one().int64("id")
        try db.execute("CREATE TABLE test_records (job_id bigint, attempt int, tag text, at timestamptz DEFAULT now())",
                       name: "test_records")
        return QueueFixture(conninfo: conninfo, db: db, experimentID: experiment)
    }

    func connect() throws -> DatabaseConnection { try DatabaseConnection(conninfo: conninfo) }

    /// Fast retries so tests do not wait: 2 ms base, 20 ms cap.
    static let quickRetry = RetryPolicy(maxAttempts: 3, backoff: Backoff(base: .milliseconds(2), cap: .milliseconds(20)))

    func plan(_ layers: [LayerPlan], retry: RetryPolicy = QueueFixture.quickRetry,
              maxRuntime: Duration = .seconds(900)) -> BuildPlan {
        BuildPlan(experimentID: experimentID, retry: retry, defaultMaxRuntime: maxRuntime, layers: layers)
    }

    func registerWorker(lease: Duration = .seconds(30), on connection: DatabaseConnection? = nil) throws -> WorkerID {
        try WorkerRegistry(connection ?? db).register(WorkerInfo(hostname: "test", kinds: ["noop"], concurrency: 1, lease: lease))
    }

    func int(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> Int {
        try db.execute(sql, parameters.map(\.sqlValue), name: "probe").one().int("n")
    }

    func string(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> String? {
        try db.probe(sql, parameters)
    }

    /// Waits until `condition` holds, polling; false on timeout.
    func eventually(timeout: Duration = .seconds(30), _ condition: () throws -> Bool) rethrows -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }
}

func jobs(_ count: Int, kind: String = "noop", payload: (Int) -> String = { "{\"i\":\($0)}" }) -> [JobSpec] {
    (0..<count).map { JobSpec(kind: kind, payload: payload($0), locality: Int64($0)) }
}
