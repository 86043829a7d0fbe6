import Foundation
import IlluminatiDatabase
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct QueueStatementTests {
    @Test func everyStatementMatchesItsAnnotationsOnTheMigratedSchema() throws {
        let (conninfo, _) = try TestDatabase.create()
        #expect(QueueQueries.all.count > 20)
        let problems = try StatementAnnotationCheck.problems(QueueQueries.all, conninfo: conninfo,
                                                             customTypes: ["WorkerID": ["uuid"]])
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func everyStatementIsCalledFromTheQueueSources() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/IlluminatiQueue").standardizedFileURL
        #expect(try StatementAnnotationCheck.uncalled(QueueQueries.all, sources: sources).isEmpty)
    }

    /// Both targets' accessors extend `StatementRunner`: one name in both would make calls ambiguous.
    @Test func noStatementNameIsAlsoADatabaseStatementName() {
        let shared = Set(QueueQueries.all.map(\.name)).intersection(DatabaseQueries.all.map(\.name))
        #expect(shared.isEmpty)
    }
}
