import Foundation
import IlluminatiDatabase

/// One libpq connection shared by all requests. libpq connections are not thread-safe, so
/// calls take turns; only metadata and map-object requests reach the database (tiles never do),
/// so one connection is enough. A broken connection is replaced on the next call.
final class DatabaseAccess: @unchecked Sendable {
    private let conninfo: String
    private let lock = NSLock()
    private var connection: DatabaseConnection?

    init(conninfo: String) { self.conninfo = conninfo }

    func with<T>(_ body: (DatabaseConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let current = try connection ?? DatabaseConnection(conninfo: conninfo, applicationName: "illuminati-serve")
        connection = current
        do {
            return try body(current)
        } catch let error as DatabaseError {
            // A query error leaves the connection usable; a lost server does not. Reconnect
            // next time either way: it is cheap next to serving a stale or dead connection.
            connection = nil
            throw error
        }
    }
}
