/// Which named statements a connection has prepared on its server, and under what names.
///
/// A statement is run as text the first time and prepared the second: a command that runs
/// each statement once (most of the command line) pays no extra round trip, while the loops
/// of a worker or a server, which repeat a few statements on one connection, stop paying
/// the server's parse and plan for each. Names are local to the server session, so a new
/// connection (a reconnect) starts with none.
struct PreparedStatements {
    enum Use: Equatable {
        /// Run as text this time.
        case text
        /// Prepare under this name, then execute it.
        case prepare(String)
        /// Already prepared under this name.
        case prepared(String)
    }

    private var names: [String: String] = [:]
    private var seen: Set<String> = []
    private var next = 0
    /// Set when the server lost a statement this connection prepared: behind a pooler in
    /// transaction mode each transaction may reach another server session, so statements
    /// stay text on this connection.
    private var disabled = false

    mutating func use(_ sql: String) -> Use {
        if disabled { return .text }
        if let name = names[sql] { return .prepared(name) }
        guard seen.contains(sql) else {
            seen.insert(sql)
            return .text
        }
        next += 1
        return .prepare("illuminati_\(next)")
    }

    mutating func didPrepare(_ sql: String, as name: String) {
        names[sql] = name
    }

    /// After the server refused to run the prepared `sql`: a migration changed what it
    /// returns ("cached plan must not change result type", 0A000), so it is prepared again
    /// (under a new name) on its next use; or the server session does not have it (26000),
    /// so nothing is prepared on this connection any more. Other errors change nothing.
    /// True when the run should be repeated as text.
    mutating func refused(_ sql: String, with error: DatabaseError) -> Bool {
        guard case .statementFailed(_, let sqlState, _, _) = error else { return false }
        switch sqlState {
        case "0A000":
            names[sql] = nil
        case "26000":
            names = [:]
            disabled = true
        default:
            return false
        }
        return true
    }
}
