import Foundation
import IlluminatiDatabase
import IlluminatiPostgres
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

    /// Every target's accessors extend `StatementRunner`: one name in two would make calls ambiguous.
    @Test func noStatementNameIsInTwoTargets() {
        let names = [PostgresQueries.all, DatabaseQueries.all, QueueQueries.all].flatMap { $0.map(\.name) }
        #expect(Set(names).count == names.count)
    }
}
