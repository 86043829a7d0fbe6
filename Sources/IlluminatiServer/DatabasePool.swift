import Foundation
import IlluminatiPostgres
import NIOPosix

/// A few reconnecting connections, each used by one thread of the pool's own at a time.
/// Metadata and map-object requests wait here, never on the event loop or Swift's cooperative
/// threads, and a slow one holds up one connection, not tile requests or the other connections.
/// Every session has a `statement_timeout`, so no statement holds a connection for long.
final class DatabasePool: @unchecked Sendable {
    /// As many threads as connections: a task that runs always finds a connection free.
    private let threads: NIOThreadPool
    private let lock = NSLock()
    /// Connections not in use; each connects when first needed.
    private var idle: [ReconnectingConnection]

    init(conninfo: String, connections: Int, statementTimeoutSeconds: Double) {
        let statementTimeoutMilliseconds = max(1, Int((statementTimeoutSeconds * 1000).rounded()))
        // A request answers at once when the database is away rather than wait for it.
        idle = (0..<max(1, connections)).map { _ in
            ReconnectingConnection(conninfo: conninfo, applicationName: "illuminati-serve", retry: .singleAttempt,
                                   setUp: { connection in
                _ = try connection.setStatementTimeout(timeout: "\(statementTimeoutMilliseconds)ms")
            })
        }
        threads = NIOThreadPool(numberOfThreads: idle.count)
        threads.start()
    }

    /// Runs `body` with a connection, on one of the pool's threads. Reads are safe to repeat:
    /// one that finds its connection broken (PostgreSQL restarted) runs again on a new one. A
    /// write (`idempotent: false`) is not: whether it committed is unknown.
    func with<T: Sendable>(idempotent: Bool = true,
                           _ body: @escaping @Sendable (any StatementRunner) throws -> T) async throws -> T {
        try await threads.runIfActive { [self] in
            let connection = lock.withLock { idle.removeLast() }
            defer { lock.withLock { idle.append(connection) } }
            return try connection.withConnection(idempotent: idempotent, body)
        }
    }

    /// Closes the connections once the queued work is done.
    func shutdown() async {
        try? await threads.shutdownGracefully()
        lock.withLock { idle.forEach { $0.disconnect() } }
    }
}
