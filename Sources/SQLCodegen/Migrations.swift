import Foundation

/// A target's `Migrations/NNN_name.sql` files: the part of the database's schema that the target
/// owns, one numbered change a file. The numbers are one sequence across all owners (a test
/// checks the union); the build checks what one target can see: the names, and no number twice.
public struct Migrations {
    public struct File: Equatable {
        public let version: Int
        public let name: String
        public let text: String
    }

    /// In version order.
    public private(set) var files: [File] = []
    public private(set) var diagnostics: [Diagnostic] = []

    public init(files: [(path: String, text: String)]) {
        var pathOfVersion: [Int: String] = [:]
        for file in files {
            let fileName = (file.path as NSString).lastPathComponent
            let digits = fileName.prefix { $0.isASCII && $0.isNumber }
            let rest = fileName.dropFirst(digits.count)
            guard let version = Int(digits), version > 0, rest.hasPrefix("_"), rest.hasSuffix(".sql"),
                  rest.count > "_.sql".count else {
                diagnostics.append(Diagnostic(path: file.path, line: 1,
                                              message: "a migration is named NNN_name.sql (its version, then its name), not \(fileName)"))
                continue
            }
            if let earlier = pathOfVersion[version] {
                diagnostics.append(Diagnostic(path: file.path, line: 1,
                                              message: "version \(version) is also \((earlier as NSString).lastPathComponent)"))
                continue
            }
            pathOfVersion[version] = file.path
            self.files.append(File(version: version, name: String(rest.dropFirst().dropLast(".sql".count)), text: file.text))
        }
        self.files.sort { $0.version < $1.version }
    }

    /// `public enum <schema> { static let migrations: [Migration] }` (the driver's type), which
    /// whoever migrates a database hands to the `Migrator` with the other owners' lists;
    /// nothing for a target without migrations.
    public func source(schema: String) -> String {
        if files.isEmpty { return "" }
        let entries = files.map { file in
            "        Migration(version: \(file.version), name: \(String(reflecting: file.name)), sql: \(rawStringLiteral(file.text))),"
        }
        return """
            /// This target's migrations (`Migrations/*.sql`), in version order.
            public enum \(schema) {
                public static let migrations: [Migration] = [
            \(entries.joined(separator: "\n"))
                ]
            }

            """
    }
}
