import Foundation

/// A target's queries files read together: every statement once, shared rows resolved.
public struct Queries {
    public private(set) var statements: [AnnotatedStatement] = []
    public private(set) var diagnostics: [Diagnostic] = []

    /// `files`: each file's path and text, read in the order of their names.
    public init(files: [(path: String, text: String)]) {
        let byName = files.sorted { ($0.path as NSString).lastPathComponent < ($1.path as NSString).lastPathComponent }
        for file in byName {
            let parsed = QueriesFileParser.parse(file.text, path: file.path)
            statements += parsed.statements
            diagnostics += parsed.diagnostics
        }
        checkNamesAreDistinct()
        resolveSharedRows()
    }

    private mutating func checkNamesAreDistinct() {
        var first: [String: AnnotatedStatement] = [:]
        for statement in statements {
            if let earlier = first[statement.name] {
                diagnostics.append(Diagnostic(path: statement.path, line: statement.line,
                                              message: "\(statement.name) is also defined at \(earlier.file):\(earlier.line)"))
            } else {
                first[statement.name] = statement
            }
        }
    }

    /// `-- returns: Other.Row` takes Other's columns, so the annotation check covers it too.
    private mutating func resolveSharedRows() {
        let byName = Dictionary(statements.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for index in statements.indices {
            guard let shared = statements[index].sharedRow else { continue }
            let statement = statements[index]
            guard let other = byName[shared], other.sharedRow == nil, other.cardinality != .exec else {
                diagnostics.append(Diagnostic(
                    path: statement.path, line: statement.line,
                    message: "\(statement.name) returns \(shared).Row, but \(shared) is not a statement of this "
                        + "target with its own `-- returns:` columns"))
                continue
            }
            statements[index].columns = other.columns
        }
    }
}
