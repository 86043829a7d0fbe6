import CLibPQ
import IlluminatiPostgres

/// What PostgreSQL makes of a statement without running it (libpq's PQprepare and
/// PQdescribePrepared): the types it infers for the parameters, and the result columns.
/// Types are named as `format_type` names them (`bigint`, `text[]`, `double precision`).
public struct PreparedShape: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: String
    }

    public var parameterTypes: [String]
    public var columns: [Column]

    /// Prepares each statement in turn on a libpq connection of its own; a statement the
    /// server rejects throws with the server's message.
    public static func describe(_ statements: [NamedStatement], conninfo: String) throws -> [PreparedShape] {
        try TestLane.require("database", for: "describing statements")
        guard let connection = PQconnectdb(conninfo) else { throw TestSupportError("libpq: out of memory") }
        defer { PQfinish(connection) }
        guard PQstatus(connection) == CONNECTION_OK else {
            throw TestSupportError("cannot connect: \(String(cString: PQerrorMessage(connection)))")
        }
        func checked(_ result: OpaquePointer?, _ status: ExecStatusType, _ what: String) throws -> OpaquePointer {
            guard let result, PQresultStatus(result) == status else {
                let message = result.flatMap { PQresultErrorMessage($0) } ?? PQerrorMessage(connection)
                defer { PQclear(result) }
                throw TestSupportError("\(what): \(message.map { String(cString: $0) } ?? "unknown error")")
            }
            return result
        }
        var typeNames: [Oid: String] = [:]
        func typeName(_ oid: Oid) throws -> String {
            if let name = typeNames[oid] { return name }
            let result = try checked(PQexec(connection, "SELECT format_type(\(oid), NULL)"), PGRES_TUPLES_OK, "format_type")
            defer { PQclear(result) }
            let name = String(cString: PQgetvalue(result, 0, 0))
            typeNames[oid] = name
            return name
        }
        return try statements.map { statement in
            // The unnamed statement: replaced by the next one, and gone with the next simple query.
            PQclear(try checked(PQprepare(connection, "", statement.sql, 0, nil), PGRES_COMMAND_OK, statement.name))
            let description = try checked(PQdescribePrepared(connection, ""), PGRES_COMMAND_OK, statement.name)
            defer { PQclear(description) }
            let parameters = (0..<PQnparams(description)).map { PQparamtype(description, $0) }
            let columns = (0..<PQnfields(description)).map {
                (name: String(cString: PQfname(description, $0)), type: PQftype(description, $0))
            }
            return PreparedShape(parameterTypes: try parameters.map(typeName),
                                 columns: try columns.map { Column(name: $0.name, type: try typeName($0.type)) })
        }
    }
}
