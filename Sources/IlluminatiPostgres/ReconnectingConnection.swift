import Logging

/// A connection that outlives the server's restarts: it holds one libpq connection and, once
/// that one is gone, makes a new one with the shared backoff, a stop check and a give-up
/// policy (`ConnectionRetry`), setting every new session up the same way (settings such as
/// `statement_timeout`, LISTEN). Work that loses the connection drops it. Whether that work
/// runs again is the caller's call: work that is safe to repeat (a read, a heartbeat) says so
/// and runs once more on a fresh connection; any other gets the error, and its own fencing
/// decides. Like a connection, it serves one thread at a time.
public final class ReconnectingConnection: StatementRunner, @unchecked Sendable {
    public let conninfo: String
    public let applicationName: String
    public let retry: ConnectionRetry
    private let logger: Logger?
    private let shouldStop: @Sendable () -> Bool
    private let setUp: @Sendable (DatabaseConnection) throws -> Void
    private var held: DatabaseConnection?
    /// Whether `setUp` has run on the held connection (one handed to `init` starts without).
    private var heldIsSetUp = false

    /// `connection`: one already made, used until it breaks; it is set up on first use.
    public init(conninfo: String, applicationName: String = "illuminati", retry: ConnectionRetry = ConnectionRetry(),
                logger: Logger? = nil, shouldStop: @escaping @Sendable () -> Bool = { false },
                connection: DatabaseConnection? = nil,
                setUp: @escaping @Sendable (DatabaseConnection) throws -> Void = { _ in }) {
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.retry = retry
        self.logger = logger
        self.shouldStop = shouldStop
        self.setUp = setUp
        self.held = connection
    }

    /// Whether a connection is held that libpq still considers usable (it notices a broken
    /// one only when it next talks to the server).
    public var isConnected: Bool { held?.isConnected ?? false }

    /// The held connection, or a new one, set up. Connecting is retried until it works, until
    /// `shouldStop` says so, or until the give-up policy gives up; the last two throw
    /// `connectionFailed`.
    @discardableResult
    public func connect() throws -> DatabaseConnection {
        if let connection = held, connection.isConnected {
            if !heldIsSetUp {
                try droppingIfLost { try setUp(connection) }
                heldIsSetUp = true
            }
            return connection
        }
        disconnect()
        let connection = try DatabaseConnection.connect(conninfo: conninfo, applicationName: applicationName, retry: retry,
                                                        logger: logger, shouldStop: shouldStop, setUp: setUp)
        held = connection
        heldIsSetUp = true
        return connection
    }

    /// Drops the held connection; the next use connects again.
    public func disconnect() {
        held = nil
        heldIsSetUp = false
    }

    /// Runs `body` with the connection, connecting first if there is none. If the connection
    /// is lost on the way it is dropped; then `body` runs once more on a new connection if the
    /// caller says it is `idempotent`, else the error is thrown.
    public func withConnection<T>(idempotent: Bool = false, _ body: (DatabaseConnection) throws -> T) throws -> T {
        let connection = try connect()
        do {
            return try droppingIfLost { try body(connection) }
        } catch let error as DatabaseError where error.isConnectionProblem && idempotent {
            logger?.warning("lost the connection to PostgreSQL; reconnecting", metadata: ["error": "\(error)"])
            return try withConnection(body)
        }
    }

    /// Not repeated after a lost connection: whether it took effect is unknown.
    @discardableResult
    public func run(_ statement: NamedStatement, _ parameters: [any SQLBindable]) throws -> QueryResult {
        try withConnection { try $0.run(statement, parameters) }
    }

    /// Not repeated after a lost connection: whether it committed is unknown.
    public func transaction<T>(_ body: (any StatementRunner) throws -> T) throws -> T {
        try withConnection { try $0.transaction(body) }
    }

    private func droppingIfLost<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.isConnectionProblem {
            disconnect()
            throw error
        }
    }
}
