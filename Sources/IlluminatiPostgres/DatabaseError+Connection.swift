extension DatabaseError {
    /// The connection is unusable (or the server is shutting it down) rather than the
    /// statement being wrong: reconnecting and running it again may succeed. SQLSTATE class 08
    /// is "connection exception"; 57P01–57P03 are a server shutting down, crashing or starting.
    public var isConnectionProblem: Bool {
        switch self {
        case .connectionFailed, .connectionLost: return true
        case .statementFailed(_, let state, _, _):
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
        default: return false
        }
    }
}
