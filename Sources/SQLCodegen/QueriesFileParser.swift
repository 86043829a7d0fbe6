import Foundation

/// Reads one queries file: splits it at its `-- name:` annotations and reads the
/// `-- params:` and `-- returns:` lines right after each. Comments between statements are
/// dropped; a statement keeps every other line verbatim (its text is what is sent).
struct QueriesFileParser {
    let path: String
    private(set) var statements: [AnnotatedStatement] = []
    private(set) var diagnostics: [Diagnostic] = []
    private var pending: Pending?
    /// After a malformed `-- name:` line: its annotations are not reported again.
    private var skippingMalformed = false

    private struct Pending {
        var name: String
        var cardinality: AnnotatedStatement.Cardinality
        var line: Int
        var parameters: [AnnotatedStatement.Field] = []
        var parametersLine: Int?
        var columns: [AnnotatedStatement.Field] = []
        var sharedRow: String?
        var returnsLine: Int?
        var body: [Substring] = []
        /// Diagnostics before this statement: a count check on top of a malformed line says nothing new.
        var diagnosticsBefore: Int
    }

    static func parse(_ text: String, path: String) -> QueriesFileParser {
        var parser = QueriesFileParser(path: path)
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            parser.read(line, number: offset + 1)
        }
        parser.finishStatement()
        return parser
    }

    private var fileName: String { (path as NSString).lastPathComponent }

    private mutating func read(_ line: Substring, number: Int) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("-- name:") {
            finishStatement()
            startStatement(trimmed.dropFirst("-- name:".count), line: number)
        } else if trimmed.hasPrefix("-- params:") {
            annotate(trimmed.dropFirst("-- params:".count), line: number, returns: false)
        } else if trimmed.hasPrefix("-- returns:") {
            annotate(trimmed.dropFirst("-- returns:".count), line: number, returns: true)
        } else {
            pending?.body.append(line)
        }
    }

    private mutating func startStatement(_ header: Substring, line: Int) {
        let words = header.split(whereSeparator: \.isWhitespace)
        guard words.count == 2, Identifier.isStatementName(words[0]), words[1].hasPrefix(":"),
              let cardinality = AnnotatedStatement.Cardinality(rawValue: String(words[1].dropFirst())) else {
            let cardinalities = AnnotatedStatement.Cardinality.allCases.map { ":" + $0.rawValue }.joined(separator: "|")
            diagnose(line, "expected `-- name: StatementName \(cardinalities)`, got `-- name:\(header)`")
            pending = nil
            skippingMalformed = true
            return
        }
        skippingMalformed = false
        pending = Pending(name: String(words[0]), cardinality: cardinality, line: line, diagnosticsBefore: diagnostics.count)
    }

    private mutating func annotate(_ list: Substring, line: Int, returns: Bool) {
        guard var statement = pending, statement.body.isEmpty else {
            if skippingMalformed { return }
            diagnose(line, "`-- params:` and `-- returns:` belong on the lines right after a statement's `-- name:` line")
            return
        }
        defer { pending = statement }
        if returns {
            statement.returnsLine = statement.returnsLine ?? line
            let item = list.trimmingCharacters(in: .whitespaces)
            if item.hasSuffix(".Row"), !item.contains(" "), !item.contains(",") {
                let shared = item.dropLast(".Row".count)
                guard Identifier.isStatementName(shared), statement.columns.isEmpty, statement.sharedRow == nil else {
                    diagnose(line, "`-- returns: Other.Row` names one other statement and stands alone")
                    return
                }
                statement.sharedRow = String(shared)
                return
            }
            if statement.sharedRow != nil {
                diagnose(line, "`-- returns: Other.Row` names one other statement and stands alone")
            }
            for field in fields(list, line: line) {
                guard field.type.rowAccessor != nil else {
                    diagnose(line, "column \(field.name): a row cannot be read as \(field.type); use "
                             + "\(SwiftType.readableInRows), and make other types at the call site")
                    continue
                }
                statement.columns.append(field)
            }
        } else {
            statement.parametersLine = statement.parametersLine ?? line
            statement.parameters += fields(list, line: line)
        }
    }

    /// `name Type, name Type, …`; an empty list is allowed (no fields).
    private mutating func fields(_ list: Substring, line: Int) -> [AnnotatedStatement.Field] {
        if list.allSatisfy(\.isWhitespace) { return [] }
        var fields: [AnnotatedStatement.Field] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let words = item.split(whereSeparator: \.isWhitespace)
            guard words.count == 2, Identifier.isSQLName(words[0]) else {
                diagnose(line, "expected `name Type` (a snake_case name, a Swift type), got `\(item.trimmingCharacters(in: .whitespaces))`")
                continue
            }
            guard let type = SwiftType(parsing: words[1]) else {
                diagnose(line, "`\(words[1])` is not a type an annotation can name (Name, Name?, [Name], [Name?])")
                continue
            }
            fields.append(AnnotatedStatement.Field(name: String(words[0]), type: type))
        }
        return fields
    }

    private mutating func finishStatement() {
        guard let statement = pending else { return }
        pending = nil
        var body = statement.body
        while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty || last.hasPrefix("--") {
            body.removeLast()
        }
        let sql = body.joined(separator: "\n")
        let label = "\(statement.name) :\(statement.cardinality.rawValue)"
        if body.isEmpty { diagnose(statement.line, "\(statement.name) has no SQL") }
        let returns = statement.returnsLine != nil
        if statement.cardinality == .exec, let line = statement.returnsLine {
            diagnose(line, "\(label) returns no rows: drop `-- returns:`, or use :one, :opt or :many")
        } else if statement.cardinality != .exec, !returns {
            diagnose(statement.line, "\(label) needs a `-- returns:` line naming its columns and their types")
        }
        checkDistinct(statement.parameters, what: "parameter", line: statement.parametersLine ?? statement.line)
        checkDistinct(statement.columns, what: "column", line: statement.returnsLine ?? statement.line)
        let used = parameterReferences(in: sql)
        let annotated = Set(statement.parameters.indices.map { $0 + 1 })
        if !body.isEmpty, diagnostics.count == statement.diagnosticsBefore, used != annotated {
            let placeholders = used.isEmpty ? "no parameters" : used.sorted().map { "$\($0)" }.joined(separator: ", ")
            diagnose(statement.parametersLine ?? statement.line,
                     "\(statement.name) uses \(placeholders), but `-- params:` names \(statement.parameters.count)")
        }
        statements.append(AnnotatedStatement(
            name: statement.name, cardinality: statement.cardinality, file: fileName, line: statement.line, path: path,
            parameters: statement.parameters, columns: statement.columns, sharedRow: statement.sharedRow, sql: sql))
    }

    private mutating func checkDistinct(_ fields: [AnnotatedStatement.Field], what: String, line: Int) {
        var seen = Set<String>()
        for field in fields where !seen.insert(Identifier.camelCase(field.name)).inserted {
            diagnose(line, "two \(what)s named \(field.name)")
        }
    }

    private mutating func diagnose(_ line: Int, _ message: String) {
        diagnostics.append(Diagnostic(path: path, line: line, message: message))
    }
}
