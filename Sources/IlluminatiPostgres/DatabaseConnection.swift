import CLibPQ
import Foundation

/// One libpq connection. Statements are always parameterised; only the migrations runner
/// sends multi-statement scripts. A named statement run a second time on the connection is
/// prepared there and executed by name from then on (`PreparedStatements`). Not
/// thread-safe: use one connection per task or thread.
public final class DatabaseConnection: @unchecked Sendable {
    let handle: OpaquePointer
    private var prepared = PreparedStatements()

    /// Connects with a libpq connection string or `postgresql://` URL; an empty string
    /// means libpq's defaults and `PG*` environment variables. `sslmode` and the other
    /// libpq parameters are honoured as libpq documents them.
    public init(conninfo: String, applicationName: String = "illuminati") throws {
        let keywords = ["fallback_application_name", "connect_timeout", "dbname"]
        let values = [applicationName, "10", conninfo]
        let connection = withCStringArray(keywords) { keys in
            withCStringArray(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
        guard let connection else { throw DatabaseError.connectionFailed("out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw DatabaseError.connectionFailed(message)
        }
        // Server NOTICEs (e.g. "relation already exists, skipping") are not for the user.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
        // Prepared statements are planned for their parameters every time: a generic plan,
        // which PostgreSQL may pick after five runs, guesses array lengths and LIMITs and made
        // batch claims and completions half as fast (docs/performance.md). The setting is
        // PostgreSQL 12's; older servers keep their own choice.
        if PQserverVersion(connection) >= 120_000 {
            try execute("SET plan_cache_mode = force_custom_plan", name: "plan_cache_mode")
        }
    }

    deinit { PQfinish(handle) }

    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Runs a named statement from `Queries/*.sql`: the first time as text, later by the name
    /// it was prepared under, which spares the server parsing and planning it again (the
    /// queue's claim and complete run thousands of times on one connection).
    @discardableResult
    public func run(_ statement: NamedStatement, _ parameters: [any SQLBindable]) throws -> QueryResult {
        let values = parameters.map(\.sqlValue)
        guard let serverName = try preparedName(for: statement) else {
            return try execute(statement.sql, values, name: statement.name)
        }
        let texts = values.map(\.text)
        let result = withOptionalCStringArray(texts) { pointers in
            PQexecPrepared(handle, serverName, Int32(texts.count), pointers, nil, nil, 0)
        }
        do {
            return try collect(result, name: statement.name)
        } catch let error as DatabaseError where prepared.refused(statement.sql, with: error) {
            // Outside a transaction the run is repeated as text; inside one, the transaction
            // has failed already and its caller decides.
            guard PQtransactionStatus(handle) == PQTRANS_IDLE else { throw error }
            return try execute(statement.sql, values, name: statement.name)
        }
    }

    /// The server-side name of `statement`, preparing it on its second use; nil while it
    /// is run as text.
    private func preparedName(for statement: NamedStatement) throws -> String? {
        switch prepared.use(statement.sql) {
        case .text:
            return nil
        case .prepared(let name):
            return name
        case .prepare(let name):
            let result = PQprepare(handle, name, statement.sql, 0, nil)
            _ = try collect(result, name: statement.name)
            prepared.didPrepare(statement.sql, as: name)
            return name
        }
    }

    /// Runs one parameterised statement. `name` labels errors.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [SQLValue] = [], name: String) throws -> QueryResult {
        let texts = parameters.map(\.text)
        let result = withOptionalCStringArray(texts) { values in
            PQexecParams(handle, sql, Int32(texts.count), nil, values, nil, nil, 0)
        }
        return try collect(result, name: name)
    }

    /// Runs a script of several statements in one round trip (simple query protocol, no
    /// parameters). Only for migrations, whose text is part of the binary.
    public func executeScript(_ sql: String, name: String) throws {
        _ = try collect(PQexec(handle, sql), name: name)
    }

    /// Runs `body` in a transaction; commits if it returns, rolls back if it throws.
    public func transaction<T>(_ body: (any StatementRunner) throws -> T) throws -> T {
        try execute("BEGIN", name: "BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT", name: "COMMIT")
            return value
        } catch {
            if PQstatus(handle) == CONNECTION_OK { _ = try? execute("ROLLBACK", name: "ROLLBACK") }
            throw error
        }
    }

    private func collect(_ result: OpaquePointer?, name: String) throws -> QueryResult {
        guard let result else {
            let message = Self.trimmed(PQerrorMessage(handle))
            if PQstatus(handle) != CONNECTION_OK { throw DatabaseError.connectionLost(message) }
            throw DatabaseError.statementFailed(statement: name, sqlState: "", message: message, detail: nil)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            break
        default:
            if PQstatus(handle) != CONNECTION_OK {
                throw DatabaseError.connectionLost(Self.trimmed(PQerrorMessage(handle)))
            }
            func field(_ code: Character) -> String? {
                PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
            }
            throw DatabaseError.statementFailed(
                statement: name, sqlState: field("C") ?? "", message: field("M") ?? Self.trimmed(PQresultErrorMessage(result)),
                detail: field("D"))
        }
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var index: [String: Int] = [:]
        for (position, column) in columns.enumerated() where index[column] == nil { index[column] = position }
        var rows: [QueryResult.Row] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            let values: [String?] = (0..<columnCount).map { column in
                PQgetisnull(result, Int32(row), Int32(column)) == 1
                    ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            }
            rows.append(QueryResult.Row(statement: name, columnIndex: index, values: values))
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(statement: name, columns: columns, rows: rows, affectedRows: affected)
    }

    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\n", with: "; ")
    }
}

/// Passes `strings` to C as a NULL-terminated `const char **`, valid only inside `body`.
private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    withOptionalCStringArray(strings.map { Optional($0) }, body)
}

/// Like `withCStringArray`, with nil passed as a NULL pointer (SQL NULL for libpq).
private func withOptionalCStringArray<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicates: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { duplicates.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = duplicates.map { $0.map { UnsafePointer($0) } }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
