/// The Swift that embeds `migrations/*.sql` (`EmbeddedSQL.migrations`, which the migrator
/// applies), in the order of the files' names.
public func migrationsSource(_ files: [(name: String, text: String)]) -> String {
    let entries = files.sorted { $0.name < $1.name }.map { file in
        "        SQLFile(name: \(String(reflecting: file.name)), text: \(rawStringLiteral(file.text))),"
    }
    return """
        struct SQLFile: Sendable { let name: String; let text: String }
        enum EmbeddedSQL {
            static let migrations: [SQLFile] = [
        \(entries.joined(separator: "\n"))
            ]
        }

        """
}
