import Foundation
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

/// The driver's own statements: the private cluster's and the migrator's.
@Suite(.tags(.database)) struct PostgresStatementTests {
    @Test func everyStatementMatchesItsAnnotationsOnTheMigratedSchema() throws {
        let (conninfo, _) = try TestDatabase.create()
        #expect(PostgresQueries.all.count >= 7)
        let problems = try StatementAnnotationCheck.problems(PostgresQueries.all, conninfo: conninfo)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func everyStatementIsCalledFromTheSources() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources").standardizedFileURL
        #expect(try StatementAnnotationCheck.uncalled(PostgresQueries.all, sources: sources).isEmpty)
    }
}
