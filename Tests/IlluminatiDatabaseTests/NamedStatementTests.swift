import Foundation
@testable import IlluminatiDatabase
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct NamedStatementTests {
    @Test func everyStatementPreparesAgainstTheMigratedSchema() throws {
        let (_, db) = try TestDatabase.create()
        #expect(!Statements.all.isEmpty)
        var prepared = 0
        for statement in Statements.all.values.sorted(by: { $0.name < $1.name }) {
            // PREPARE parses and plans a query without running it; DDL cannot be prepared
            // and runs in every migration test instead.
            let keyword = statement.sql.split(whereSeparator: \.isWhitespace).first?.uppercased() ?? ""
            guard ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES"].contains(keyword) else { continue }
            prepared += 1
            try db.executeScript("PREPARE check_statement AS \(statement.sql)", name: statement.name)
            try db.executeScript("DEALLOCATE check_statement", name: "DEALLOCATE")
        }
        #expect(prepared >= Statements.all.count - 1)
    }

    @Test func everyNameUsedInTheSourcesIsDefinedAndEveryDefinedNameIsUsed() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources").standardizedFileURL
        var used = Set<String>()
        let enumerator = FileManager.default.enumerator(atPath: sources.path)!
        let pattern = try NSRegularExpression(pattern: #"Statements\.named\("([A-Za-z]+)"\)"#)
        while let file = enumerator.nextObject() as? String {
            guard file.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: sources.path + "/" + file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                used.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(!used.isEmpty)
        #expect(used.subtracting(Statements.all.keys).isEmpty, "used but not defined: \(used.subtracting(Statements.all.keys))")
        #expect(Set(Statements.all.keys).subtracting(used).isEmpty, "defined but unused: \(Set(Statements.all.keys).subtracting(used))")
    }

    @Test func parserSplitsAtAnnotationsAndKeepsCardinality() {
        let text = """
            -- file comment
            -- name: First :one
            SELECT 1;

            -- name: Second :many
            SELECT 2
            FROM t;
            -- trailing comment
            """
        let statements = parseNamedStatements(text, file: "x.sql")
        #expect(statements.map(\.name) == ["First", "Second"])
        #expect(statements.map(\.cardinality) == [.one, .many])
        #expect(statements[1].sql == "SELECT 2\nFROM t;")
    }
}
