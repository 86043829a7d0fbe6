/// Named statements of another target's `Queries/*.sql` files (each target that uses the
/// `EmbedSQL` plugin gets its own embedded files), looked up by name.
public struct StatementCatalog: Sendable {
    public let all: [String: NamedStatement]

    /// `files`: (file name, text) pairs. A name defined twice is a programming error, caught
    /// by the test that prepares every statement.
    public init(files: [(name: String, text: String)]) {
        var byName: [String: NamedStatement] = [:]
        for file in files {
            for statement in parseNamedStatements(file.text, file: file.name) {
                precondition(byName[statement.name] == nil, "statement \(statement.name) is defined twice")
                byName[statement.name] = statement
            }
        }
        all = byName
    }

    public func named(_ name: String) -> NamedStatement {
        guard let statement = all[name] else { preconditionFailure("no SQL statement named \(name)") }
        return statement
    }
}
