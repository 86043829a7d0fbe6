import Logging

/// A process's database: the connection, and the private cluster it started or joined, if
/// any. `open` applies the pending ones of the migrations it is given; `close` lets the cluster
/// stop when unused.
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

    /// `migrate`: the whole schema, every owner's migrations (none: the schema is left as it is).
    public static func open(_ target: DatabaseTarget, migrate migrations: [Migration], applicationName: String = "illuminati",
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
            if !migrations.isEmpty {
                let outcome = try Migrator(migrations: migrations).migrate(connection)
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
