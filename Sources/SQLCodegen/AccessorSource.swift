/// The Swift for a target's statements (docs/sql.md): a namespace holding each statement and
/// the type of its rows, and one method per statement on `StatementRunner` that binds typed
/// parameters and returns typed rows with the statement's cardinality.
public struct AccessorSource {
    /// The namespace enum, e.g. `QueueQueries`.
    public let namespace: String
    /// Whether rows and methods are public (the statements themselves always are, for tests).
    public let isPublic: Bool

    public init(namespace: String, isPublic: Bool) {
        self.namespace = namespace
        self.isPublic = isPublic
    }

    private var access: String { isPublic ? "public " : "" }

    public func render(_ statements: [AnnotatedStatement]) -> String {
        """
        /// The named statements of this target's `Queries/*.sql` files, each with its annotations
        /// and the type of its rows; the methods on `StatementRunner` run them.
        public enum \(namespace) {
            /// Every statement, by file and then in file order.
            public static let all: [NamedStatement] = [
        \(statements.map { "        \($0.name).statement," }.joined(separator: "\n"))
            ]
        \(statements.map(declaration).joined())}

        extension StatementRunner {
        \(statements.map(method).joined(separator: "\n"))}

        """
    }

    private func declaration(_ statement: AnnotatedStatement) -> String {
        """

            /// `\(statement.name)` (\(statement.file):\(statement.line)).
            public enum \(statement.name) {
                public static let statement = NamedStatement(
                    name: \(String(reflecting: statement.name)), cardinality: .\(statement.cardinality.rawValue),
                    file: \(String(reflecting: statement.file)), line: \(statement.line),
                    parameters: \(fieldList(statement.parameters)),
                    columns: \(fieldList(statement.columns)),
                    sql: \(rawStringLiteral(statement.sql)))
        \(row(statement))    }

        """
    }

    private func fieldList(_ fields: [AnnotatedStatement.Field]) -> String {
        if fields.isEmpty { return "[]" }
        let lines = fields.map {
            "                NamedStatement.Field(name: \(String(reflecting: $0.name)), type: \(String(reflecting: $0.type.description))),"
        }
        return "[\n" + lines.joined(separator: "\n") + "\n            ]"
    }

    private func row(_ statement: AnnotatedStatement) -> String {
        if statement.cardinality == .exec { return "" }
        if let shared = statement.sharedRow {
            return "\n        /// A row of `\(statement.name)`: the same columns as `\(shared)`.\n"
                + "        \(access)typealias Row = \(shared).Row\n"
        }
        let properties = statement.columns.map {
            "            \(access)let \(Identifier.escaped(Identifier.camelCase($0.name))): \($0.type)"
        }
        let reads = statement.columns.map {
            "                self.\(Identifier.escaped(Identifier.camelCase($0.name))) = "
                + "try row.\($0.type.rowAccessor!)(\(String(reflecting: $0.name)))"
        }
        return """

                    /// A row of `\(statement.name)`.
                    \(access)struct Row: Sendable {
            \(properties.joined(separator: "\n"))

                        init(_ row: QueryResult.Row) throws {
            \(reads.joined(separator: "\n"))
                        }
                    }

            """
    }

    private func method(_ statement: AnnotatedStatement) -> String {
        let type = "\(namespace).\(statement.name)"
        let names = statement.parameters.map { Identifier.escaped(Identifier.camelCase($0.name)) }
        let signature = zip(names, statement.parameters).map { "\($0): \($1.type)" }.joined(separator: ", ")
        let run = "run(\(type).statement, [\(names.joined(separator: ", "))])"
        let result: String, body: String, returns: String
        switch statement.cardinality {
        case .one:
            (result, body, returns) = (" -> \(type).Row", "\(type).Row(\(run).one())", "its one row (another count throws)")
        case .opt:
            (result, body, returns) = (" -> \(type).Row?", "\(run).oneOrNone().map(\(type).Row.init)",
                                       "its row, or nil when there is none (more than one throws)")
        case .many:
            (result, body, returns) = (" -> [\(type).Row]", "\(run).rows.map(\(type).Row.init)", "its rows")
        case .exec:
            (result, body, returns) = (" -> Int", "\(run).affectedRows", "how many rows it changed")
        }
        return """
                /// Runs `\(statement.name)` (\(statement.file):\(statement.line)); returns \(returns).
            \(statement.cardinality == .exec ? "    @discardableResult\n" : "")\
                \(access)func \(Identifier.accessor(statement.name))(\(signature)) throws\(result) {
                    try \(body)
                }

            """
    }
}
