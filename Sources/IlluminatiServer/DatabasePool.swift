import Foundation
import IlluminatiDatabase
import NIOPosix

/// A few libpq connections, each used by one thread of the pool's own at a time. Metadata
/// and map-object requests wait here, never on the event loop or Swift's cooperative threads,
/// and a slow one holds up one connection, not tile requests or the other connections.
/// Every connection has a `statement_timeout`, so no statement holds one for long.
final class DatabasePool: @unchecked Sendable {
    private let conninfo: String
    private let statementTimeoutMilliseconds: Int
    /// As many threads as connections: a task that runs always finds a connection free.
    private let threads: NIOThreadPool
    private let lock = NSLock()
    /// Connections not in use; fewer than the pool's size until all have been needed.
    private var idle: [DatabaseConnection] = []

    init(conninfo: String, connections: Int, statementTimeoutSeconds: Double) {
        self.conninfo = conninfo
        self.statementTimeoutMilliseconds = max(1, Int((statementTimeoutSeconds * 1000).rounded()))
        threads = NIOThreadPool(numberOfThreads: max(1, connections))
        threads.start()
    }

    /// Runs `body` with a connection, on one of the pool's threads.
    func with<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) async throws -> T {
        try await threads.runIfActive { [self] in
            let connection = try lock.withLock { idle.popLast() } ?? connect()
            do {
                let value = try body(connection)
                lock.withLock { idle.append(connection) }
                return value
            } catch let error as DatabaseError where error.isConnectionProblem {
                // A lost server leaves a dead connection: the next call connects afresh.
                throw error
            } catch {
                lock.withLock { idle.append(connection) }
                throw error
            }
        }
    }

    private func connect() throws -> DatabaseConnection {
        let connection = try DatabaseConnection(conninfo: conninfo, applicationName: "illuminati-serve")
        _ = try connection.setStatementTimeout(timeout: "\(statementTimeoutMilliseconds)ms")
        return connection
    }

    /// Closes the connections once the queued work is done.
    func shutdown() async {
        try? await threads.shutdownGracefully()
        lock.withLock { idle.removeAll() }
    }
}
