import Foundation
import IlluminatiDatabase
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct QueueStatementTests {
    @Test func everyStatementPreparesAgainstTheMigratedSchema() throws {
        let (_, db) = try TestDatabase.create()
        #expect(QueueStatements.all.count > 20)
        for statement in QueueStatements.all.values.sorted(by: { $0.name < $1.name }) {
            try db.executeScript("PREPARE check_statement AS \(statement.sql)", name: statement.name)
            try db.executeScript("DEALLOCATE check_statement", name: "DEALLOCATE")
        }
    }

    @Test func everyNameUsedInTheQueueSourcesIsDefinedAndEveryDefinedNameIsUsed() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/IlluminatiQueue").standardizedFileURL
        var used = Set<String>()
        let enumerator = try #require(FileManager.default.enumerator(atPath: sources.path))
        let pattern = try NSRegularExpression(pattern: #"QueueSQL\.named\("([A-Za-z]+)"\)|adminCall\("([A-Za-z]+)""#)
        while let file = enumerator.nextObject() as? String {
            guard file.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: sources.path + "/" + file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                for group in 1...2 {
                    if let range = Range(match.range(at: group), in: text) { used.insert(String(text[range])) }
                }
            }
        }
        let defined = Set(QueueStatements.all.keys)
        #expect(used.subtracting(defined).isEmpty, "used but not defined: \(used.subtracting(defined))")
        #expect(defined.subtracting(used).isEmpty, "defined but unused: \(defined.subtracting(used))")
    }
}
