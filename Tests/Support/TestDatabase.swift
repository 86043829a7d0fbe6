import Foundation
import IlluminatiPostgres
import IlluminatiSchema
import Logging

/// One throwaway PostgreSQL cluster per test process, started the way the CLI starts its
/// private cluster, and removed when the process exits. Each test gets its own database.
public enum TestDatabase {
    private static let cluster: EmbeddedCluster = {
        let directory = TemporaryDirectory.make(prefix: "illuminati-test-cluster", removeAtExit: false).path
        do {
            var logger = Logger(label: "illuminati.test-cluster")
            logger.logLevel = .warning
            let cluster = try EmbeddedCluster(stateDirectory: directory, databaseName: "postgres", logger: logger)
            try cluster.start()
            clusterDirectory = directory
            atexit {
                TestDatabase.shutdown()
            }
            return cluster
        } catch {
            fatalError("cannot start the test PostgreSQL cluster: \(error)")
        }
    }()
    nonisolated(unsafe) private static var clusterDirectory: String?
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counter = 0

    static func shutdown() {
        try? cluster.stop()
        if let directory = clusterDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// A new empty database; `migrated` applies the whole schema (`Schema.migrations`).
    public static func create(migrated: Bool = true) throws -> (conninfo: String, connection: DatabaseConnection) {
        try TestLane.require("database", for: "a test database")
        lock.lock()
        counter += 1
        let name = "t\(getpid())_\(counter)"
        lock.unlock()
        let admin = try DatabaseConnection(conninfo: cluster.conninfo(database: "postgres"))
        if migrated {
            let template = try migratedTemplate()
            try admin.execute("CREATE DATABASE \(name) TEMPLATE \(template)", name: "CREATE DATABASE")
        } else {
            try admin.execute("CREATE DATABASE \(name)", name: "CREATE DATABASE")
        }
        let conninfo = cluster.conninfo(database: name)
        return (conninfo, try DatabaseConnection(conninfo: conninfo))
    }

    /// A new database with the migrations up to `version` only, as an older release left it.
    public static func create(migratedThrough version: Int) throws -> (conninfo: String, connection: DatabaseConnection) {
        let database = try create(migrated: false)
        try Migrator.through(version).migrate(database.connection)
        return database
    }

    /// Migrating once and copying the result keeps a fresh schema per test cheap: the
    /// migrations create extensions (PostGIS) that take far longer than a database copy.
    private static func migratedTemplate() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let templateName { return templateName }
        let name = "template_\(getpid())"
        let admin = try DatabaseConnection(conninfo: cluster.conninfo(database: "postgres"))
        try admin.execute("CREATE DATABASE \(name)", name: "CREATE DATABASE")
        do {
            // The connection must be gone before the template can be copied.
            let connection = try DatabaseConnection(conninfo: cluster.conninfo(database: name))
            try Migrator(migrations: Schema.migrations).migrate(connection)
        }
        templateName = name
        return name
    }
    nonisolated(unsafe) private static var templateName: String?
}

extension Migrator {
    /// The migrator of a release whose newest migration was `version`.
    public static func through(_ version: Int) -> Migrator {
        Migrator(migrations: Schema.migrations.filter { $0.version <= version })
    }
}
