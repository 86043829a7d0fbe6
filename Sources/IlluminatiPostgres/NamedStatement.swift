/// A statement from a `Queries/*.sql` file with its annotations (docs/sql.md). SQLEmbedder
/// reads the files at build time and declares each statement in the target's namespace
/// (`DatabaseQueries.ExperimentInsert.statement`), with a typed method on `StatementRunner`
/// that runs it.
public struct NamedStatement: Sendable, Hashable {
    public enum Cardinality: String, Sendable {
        /// Exactly one row.
        case one
        /// One row or none.
        case opt
        /// Any number of rows.
        case many
        /// No rows: it is run for what it changes.
        case exec
    }

    /// A parameter or result column as annotated: its snake_case name and its Swift type.
    public struct Field: Sendable, Hashable {
        public let name: String
        public let type: String

        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    public let name: String
    public let cardinality: Cardinality
    /// The queries file's name and the line of the statement's `-- name:` annotation.
    public let file: String
    public let line: Int
    public let parameters: [Field]
    /// The result columns in order; empty for `:exec`.
    public let columns: [Field]
    /// The text sent to the server: the file's lines without the annotations.
    public let sql: String

    public init(name: String, cardinality: Cardinality, file: String, line: Int, parameters: [Field], columns: [Field],
                sql: String) {
        self.name = name
        self.cardinality = cardinality
        self.file = file
        self.line = line
        self.parameters = parameters
        self.columns = columns
        self.sql = sql
    }
}
