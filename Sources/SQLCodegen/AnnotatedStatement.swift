/// One `-- name:` statement of a queries file with its annotations (docs/sql.md).
public struct AnnotatedStatement: Equatable {
    public enum Cardinality: String, CaseIterable {
        /// Exactly one row.
        case one
        /// One row or none.
        case opt
        /// Any number of rows.
        case many
        /// No rows; what counts is how many rows it changed.
        case exec
    }

    /// A parameter or result column: its snake_case name and its Swift type.
    struct Field: Equatable {
        var name: String
        var type: SwiftType
    }

    public let name: String
    public let cardinality: Cardinality
    /// The queries file's name (`jobs.sql`) and the line of the `-- name:` annotation.
    public let file: String
    public let line: Int
    /// The file as the build named it, for diagnostics.
    let path: String
    var parameters: [Field]
    /// The result columns, in order; empty for `:exec`.
    var columns: [Field]
    /// `-- returns: Other.Row`: the statement whose row type this one shares.
    var sharedRow: String?
    /// The statement's text as it is sent, without its annotation lines.
    public let sql: String
}
