import Foundation

/// A statement from a `Queries/*.sql` file, annotated River-style:
/// `-- name: ExperimentInsert :one` followed by its SQL up to the next annotation.
public struct NamedStatement: Sendable, Hashable {
    public enum Cardinality: String, Sendable { case one, many, exec }

    public let name: String
    public let cardinality: Cardinality
    public let sql: String
    public let file: String
}

/// All named statements embedded in this target, by name.
public enum Statements {
    public static let all: [String: NamedStatement] = {
        var byName: [String: NamedStatement] = [:]
        for file in EmbeddedSQL.queries {
            for statement in parseNamedStatements(file.text, file: file.name) {
                precondition(byName[statement.name] == nil, "statement \(statement.name) is defined twice")
                byName[statement.name] = statement
            }
        }
        return byName
    }()

    /// The statement called `name`; a missing name is a programming error, caught by the
    /// test that prepares every statement.
    public static func named(_ name: String) -> NamedStatement {
        guard let statement = all[name] else { preconditionFailure("no SQL statement named \(name)") }
        return statement
    }
}

/// Splits a queries file at its `-- name:` annotations. Plain comments between statements
/// are dropped; the statement text keeps everything else verbatim.
func parseNamedStatements(_ text: String, file: String) -> [NamedStatement] {
    var statements: [NamedStatement] = []
    var current: (name: String, cardinality: NamedStatement.Cardinality)?
    var lines: [Substring] = []

    func flush() {
        guard let header = current else { return }
        var body = lines
        while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty || last.hasPrefix("--") {
            body.removeLast()
        }
        statements.append(NamedStatement(name: header.name, cardinality: header.cardinality,
                                         sql: body.joined(separator: "\n"), file: file))
    }

    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("-- name:") {
            flush()
            let words = trimmed.dropFirst("-- name:".count).split(separator: " ")
            let name = words.first.map(String.init) ?? ""
            let cardinality = words.dropFirst().first
                .flatMap { NamedStatement.Cardinality(rawValue: String($0.dropFirst())) } ?? .exec
            current = (name, cardinality)
            lines = []
        } else if current != nil {
            lines.append(line)
        }
    }
    flush()
    return statements
}

