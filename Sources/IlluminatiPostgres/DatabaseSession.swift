import Logging

/// A process's database: the connection, and the private cluster it started or joined, if
/// any. `open` applies pending migrations; `close` lets the cluster stop when unused.
public final class DatabaseSession: @unchecked Sendable {
    public let connection: DatabaseConnection
    public let cluster: EmbeddedCluster?
    /// What other processes (local workers) pass to connect to the same database.
    public let conninfo: String

    private init(connection: DatabaseConnection, cluster: EmbeddedCluster?, conninfo: String) {
        self.connection = connection
        self.cluster = cluster
        self.conninfo = conninfo
    }

    public static func open(_ target: DatabaseTarget, migrate: Bool = true, applicationName: String = "illuminati",
                            logger: Logger = Logger(label: "illuminati.database")) throws -> DatabaseSession {
        var cluster: EmbeddedCluster?
        let conninfo: String
        switch target {
        case .url(let url): conninfo = url
        case .environment: conninfo = ""
        case .embedded(let stateDirectory):
            let embedded = try EmbeddedCluster(stateDirectory: stateDirectory, logger: logger)
            try embedded.start()
            cluster = embedded
            conninfo = embedded.conninfo
        }
        do {
            let connection = try DatabaseConnection(conninfo: conninfo, applicationName: applicationName)
            if migrate {
                let outcome = try Migrator().migrate(connection)
                for migration in outcome.applied {
                    logger.info("applied migration \(migration.version) \(migration.name)")
                }
            }
            return DatabaseSession(connection: connection, cluster: cluster, conninfo: conninfo)
        } catch {
            cluster?.release()
            throw error
        }
    }

    public func close() {
        cluster?.release()
    }
}
