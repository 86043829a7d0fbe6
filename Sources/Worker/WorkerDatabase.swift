import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiStorage

/// Where the worker's database and storage are, and whether the database is ready for it.
enum WorkerDatabase {
    static func conninfo(databaseURL: String?, stateDir: String?) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let url = databaseURL ?? environment["DATABASE_URL"], !url.isEmpty { return url }
        if DatabaseTarget.resolve(databaseURL: nil, stateDirectory: "", environment: environment) == .environment {
            return ""
        }
        if let stateDir {
            // A worker never starts the private cluster; it joins the coordinator's.
            return try EmbeddedCluster(stateDirectory: stateDir).conninfo
        }
        throw WorkerExit(message: "no database configured: pass --database-url, set DATABASE_URL or PG* variables, "
                         + "or --state-dir of a running coordinator", code: 2)
    }

    static func storageRoot(_ storage: String?, stateDir: String?) throws -> String {
        guard let root = StorageRoot(option: storage, stateDirectory: stateDir) else {
            throw WorkerExit(message: "no storage configured: pass --storage or set \(StorageRoot.environmentVariable)", code: 2)
        }
        guard root.exists else {
            throw WorkerExit(message: "storage \(root.path) is not a folder (create it, or mount the shared storage there)", code: 2)
        }
        return root.path
    }

    /// A worker against a database without the queue's schema would fail every claim; say so once.
    /// Only the queue's migrations are the worker's concern: the other owners' versions (and
    /// versions newer than this worker) are neither pending nor a reason to refuse.
    static func checkSchema(_ conninfo: String, retry: ConnectionRetry) throws {
        let connection: DatabaseConnection
        do {
            connection = try DatabaseConnection.connect(conninfo: conninfo, applicationName: "illuminati-worker",
                                                        retry: retry)
        } catch {
            throw WorkerExit(message: "cannot reach PostgreSQL: \(error)", code: 2)
        }
        let applied: Set<Int>
        do {
            applied = Set(try connection.migrationsApplied().map(\.version))
        } catch let error as DatabaseError where error.sqlState == "42P01" {
            applied = []
        }
        let pending = QueueSchema.migrations.filter { !applied.contains($0.version) }
        guard pending.isEmpty else {
            throw WorkerExit(message: "the database's schema is not up to date (\(pending.count) migration(s) pending); "
                             + "run `illuminati migrate` with the same database first", code: 2)
        }
    }
}
