import IlluminatiCore
import IlluminatiCoordinator
import IlluminatiDatabase
import IlluminatiPostgres
import Logging

extension CollectMapObjects {
    /// Collects the outlines after a build that just succeeded: on the session's connection,
    /// whose server process the drive loaded PostGIS into, unless the drive lost it to a
    /// restart of PostgreSQL. Returns the counts as `countsText` writes them.
    static func afterDrive(_ stored: StoredExperiment, session: DatabaseSession, logger: Logger) throws -> String {
        let connection = session.connection.isConnected ? session.connection : try DatabaseConnection(conninfo: session.conninfo)
        return countsText(try CollectMapObjects(connection: connection, logger: logger).run(stored))
    }

    /// "1 Plates, 9 Sites, 1 Wells": the outlines written per type, by type name.
    static func countsText(_ counts: [MapObjectType: Int]) -> String {
        counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
    }
}
