import CLibPQ
import Foundation

/// A NOTIFY received on a connection that LISTENs.
public struct DatabaseNotification: Sendable, Equatable {
    public let channel: String
    public let payload: String
    /// The server process that sent it (equal to our own backend for our own NOTIFYs).
    public let senderPID: Int32
}

/// LISTEN/NOTIFY and connection health. Notifications arrive on the connection's socket
/// between statements; `waitForNotifications` sleeps on that socket, so a listener costs
/// no polling round trips.
extension DatabaseConnection {
    /// Whether libpq still considers the connection usable (it notices a broken connection
    /// only when it next talks to the server).
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// The server process serving this connection.
    public var backendPID: Int32 { PQbackendPID(handle) }

    public func listen(_ channel: String) throws {
        try execute("LISTEN \(Self.quotedIdentifier(channel))", name: "LISTEN \(channel)")
    }

    public func unlisten(_ channel: String) throws {
        try execute("UNLISTEN \(Self.quotedIdentifier(channel))", name: "UNLISTEN \(channel)")
    }

    /// Notifications that have arrived, without waiting.
    public func pendingNotifications() throws -> [DatabaseNotification] {
        guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else {
            throw DatabaseError.connectionLost(Self.trimmed(PQerrorMessage(handle)))
        }
        return drainNotifications()
    }

    /// Waits up to `timeout` for at least one notification; returns what arrived (possibly
    /// nothing). Throws `connectionLost` when the server goes away while waiting.
    public func waitForNotifications(timeout: Duration) throws -> [DatabaseNotification] {
        let early = drainNotifications()
        if !early.isEmpty { return early }
        let socket = PQsocket(handle)
        guard socket >= 0 else { throw DatabaseError.connectionLost("the connection has no socket") }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: Int64((max(timeout.inSeconds, 0) * 1000).rounded(.up)))
        if poll(&descriptor, 1, milliseconds) < 0 && errno != EINTR {
            throw DatabaseError.connectionLost("poll: \(String(cString: strerror(errno)))")
        }
        return try pendingNotifications()
    }

    private func drainNotifications() -> [DatabaseNotification] {
        var received: [DatabaseNotification] = []
        while let notice = PQnotifies(handle) {
            received.append(DatabaseNotification(channel: String(cString: notice.pointee.relname),
                                                 payload: String(cString: notice.pointee.extra),
                                                 senderPID: notice.pointee.be_pid))
            PQfreemem(notice)
        }
        return received
    }

    /// A channel or other identifier as a double-quoted SQL identifier.
    static func quotedIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
