/// Names in generated Swift: labels and properties from SQL's snake_case, accessors from
/// statement names, backticks where a name is a keyword.
enum Identifier {
    /// `experiment_id` → `experimentID`, `site_ids` → `siteIDs`, `runtime_limit` → `runtimeLimit`.
    static func camelCase(_ snake: String) -> String {
        let words = snake.split(separator: "_")
        guard let first = words.first else { return snake }
        return String(first) + words.dropFirst().map { word in
            switch word {
            case "id": "ID"
            case "ids": "IDs"
            default: word.prefix(1).uppercased() + word.dropFirst()
            }
        }.joined()
    }

    /// `JobsClaim` → `jobsClaim`.
    static func accessor(_ statementName: String) -> String {
        statementName.prefix(1).lowercased() + statementName.dropFirst()
    }

    /// `name`, or `` `name` `` where Swift reserves it.
    static func escaped(_ name: String) -> String {
        keywords.contains(name) ? "`\(name)`" : name
    }

    /// An annotated parameter or column name: lower snake case, as PostgreSQL folds names.
    static func isSQLName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// A statement name: upper camel case, so that its accessor is lower camel case.
    static func isStatementName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, ("A"..."Z").contains(first) else { return false }
        return isTypeName(text)
    }

    static func isTypeName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }

    private static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer",
        "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where",
        "while", "as", "Any", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
    ]
}
