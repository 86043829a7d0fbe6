/// What went wrong talking to PostgreSQL, in words an operator can act on.
public enum DatabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection could be made (bad URL, server down, authentication, TLS).
    case connectionFailed(String)
    /// The connection broke while a statement was running.
    case connectionLost(String)
    /// The server rejected a statement; `sqlState` is the five-character SQLSTATE code.
    case statementFailed(statement: String, sqlState: String, message: String, detail: String?)
    /// A statement returned a shape the caller did not expect.
    case unexpectedResult(statement: String, reason: String)
    /// The private PostgreSQL cluster could not be created, started or stopped.
    case clusterFailed(String)
    /// A migration file on disk differs from the one recorded as applied.
    case migrationChanged(version: Int, name: String)

    public var description: String {
        switch self {
        case .connectionFailed(let message): return "cannot connect to PostgreSQL: \(message)"
        case .connectionLost(let message): return "lost the connection to PostgreSQL: \(message)"
        case .statementFailed(let statement, let state, let message, let detail):
            return "\(statement) failed (SQLSTATE \(state)): \(message)" + (detail.map { " (\($0))" } ?? "")
        case .unexpectedResult(let statement, let reason): return "\(statement): unexpected result: \(reason)"
        case .clusterFailed(let message): return "private PostgreSQL cluster: \(message)"
        case .migrationChanged(let version, let name):
            return "migration \(version) (\(name)) was changed after it was applied; restore it and add a new migration instead"
        }
    }

    public var sqlState: String? {
        if case .statementFailed(_, let state, _, _) = self { return state }
        return nil
    }

    /// SQLSTATE 23505: a UNIQUE constraint was violated.
    public var isUniqueViolation: Bool { sqlState == "23505" }
}
