import CLibPQ
import Foundation

/// One libpq connection. Statements are always parameterised (`PQexecParams`); only the
/// migrations runner sends multi-statement scripts. Not thread-safe: use one connection per
/// task or thread.
public final class DatabaseConnection: @unchecked Sendable {
    let handle: OpaquePointer

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
    }

    deinit { PQfinish(handle) }

    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Runs a named statement from `Queries/*.sql`.
    @discardableResult
    public func run(_ statement: NamedStatement, _ parameters: [any SQLBindable]) throws -> QueryResult {
        try execute(statement.sql, parameters.map(\.sqlValue), name: statement.name)
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
