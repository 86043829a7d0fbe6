import Foundation
import IlluminatiPostgres

/// Compares the annotations of named statements (docs/sql.md) with what PostgreSQL makes of
/// the statements on the migrated schema, so that a wrong annotation fails a test rather than
/// a call at run time.
public enum StatementAnnotationCheck {
    /// The PostgreSQL types a Swift type binds or reads without loss. `Int` is 64-bit; `Int64`
    /// is kept for `bigint`, so an annotation says which columns are ids and counts.
    public static let compatibleTypes: [String: Set<String>] = [
        "Int": ["smallint", "integer", "bigint"],
        "Int32": ["smallint", "integer"],
        "Int64": ["bigint"],
        "Double": ["double precision", "real", "numeric"],
        "Bool": ["boolean"],
        "String": ["text", "character varying", "character", "name", "json", "jsonb", "uuid"],
    ]

    /// Every disagreement, in words that name the statement; `customTypes` gives the
    /// PostgreSQL types of a target's own parameter types (`WorkerID`: `uuid`).
    public static func problems(_ statements: [NamedStatement], conninfo: String,
                                customTypes: [String: Set<String>] = [:]) throws -> [String] {
        let shapes = try PreparedShape.describe(statements, conninfo: conninfo)
        let types = compatibleTypes.merging(customTypes) { $0.union($1) }
        return zip(statements, shapes).flatMap { problems($0, $1, types: types) }
    }

    static func problems(_ statement: NamedStatement, _ shape: PreparedShape, types: [String: Set<String>]) -> [String] {
        let label = "\(statement.name) (\(statement.file):\(statement.line))"
        var problems: [String] = []
        if statement.parameters.count != shape.parameterTypes.count {
            problems.append("\(label): annotates \(statement.parameters.count) parameter(s), PostgreSQL infers "
                            + "\(shape.parameterTypes.count): \(shape.parameterTypes.joined(separator: ", "))")
        }
        for (position, (field, type)) in zip(statement.parameters, shape.parameterTypes).enumerated()
        where !fits(field.type, type, types) {
            problems.append("\(label): parameter $\(position + 1) `\(field.name) \(field.type)` is a \(type) in PostgreSQL")
        }
        // An :exec statement's rows are not read (a SELECT of pg_notify still has a column).
        guard statement.cardinality != .exec else { return problems }
        if statement.columns.map(\.name) != shape.columns.map(\.name) {
            problems.append("\(label): annotates columns \(statement.columns.map(\.name).joined(separator: ", ")); "
                            + "PostgreSQL returns \(shape.columns.map(\.name).joined(separator: ", "))")
        }
        for (field, column) in zip(statement.columns, shape.columns) where !fits(field.type, column.type, types) {
            problems.append("\(label): column `\(field.name) \(field.type)` is a \(column.type) in PostgreSQL")
        }
        return problems
    }

    /// Whether a Swift type as annotated (`[Int64]`, `Double?`) carries a PostgreSQL type.
    static func fits(_ swiftType: String, _ postgresType: String, _ types: [String: Set<String>]) -> Bool {
        let type = swiftType.hasSuffix("?") ? swiftType.dropLast() : Substring(swiftType)
        if type.hasPrefix("["), type.hasSuffix("]") {
            return postgresType.hasSuffix("[]")
                && fits(String(type.dropFirst().dropLast()), String(postgresType.dropLast(2)), types)
        }
        return types[String(type)]?.contains(postgresType) ?? false
    }

    /// Statements whose accessor no Swift file under `sources` calls (dead SQL). The accessor
    /// is the statement's name with its first letter lowered (SQLEmbedder).
    public static func uncalled(_ statements: [NamedStatement], sources: URL) throws -> [String] {
        var text = ""
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        while let file = enumerator?.nextObject() as? String {
            guard file.hasSuffix(".swift") else { continue }
            text += try String(contentsOfFile: sources.appendingPathComponent(file).path, encoding: .utf8)
        }
        return statements.map(\.name).filter { name in
            !text.contains("." + name.prefix(1).lowercased() + name.dropFirst() + "(")
        }
    }
}
