import Foundation
@testable import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct NamedStatementTests {
    @Test func everyStatementMatchesItsAnnotationsOnTheMigratedSchema() throws {
        let (conninfo, _) = try TestDatabase.create()
        #expect(DatabaseQueries.all.count > 20)
        let problems = try StatementAnnotationCheck.problems(DatabaseQueries.all, conninfo: conninfo)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func wrongAnnotationsAreReported() throws {
        let (conninfo, _) = try TestDatabase.create()
        let right = DatabaseQueries.ExperimentDelete.statement
        func annotated(_ parameters: [NamedStatement.Field], _ columns: [NamedStatement.Field]) -> NamedStatement {
            NamedStatement(name: right.name, cardinality: right.cardinality, file: right.file, line: right.line,
                           parameters: parameters, columns: columns, sql: right.sql)
        }
        let name = NamedStatement.Field(name: "name", type: "String"), id = NamedStatement.Field(name: "id", type: "Int64")
        #expect(try StatementAnnotationCheck.problems([annotated([name], [id])], conninfo: conninfo).isEmpty)

        let missingParameter = try StatementAnnotationCheck.problems([annotated([], [id])], conninfo: conninfo)
        #expect(missingParameter == ["ExperimentDelete (experiments.sql:\(right.line)): annotates 0 parameter(s), "
                                     + "PostgreSQL infers 1: text"])
        let wrongTypes = try StatementAnnotationCheck.problems(
            [annotated([.init(name: "name", type: "Int64")], [.init(name: "id", type: "Int")])], conninfo: conninfo)
        #expect(wrongTypes.count == 1)
        #expect(wrongTypes.first?.contains("parameter $1 `name Int64` is a text in PostgreSQL") == true)
        let wrongColumn = try StatementAnnotationCheck.problems(
            [annotated([name], [.init(name: "experiment_id", type: "Int64")])], conninfo: conninfo)
        #expect(wrongColumn.count == 1)
        #expect(wrongColumn.first?.contains("annotates columns experiment_id; PostgreSQL returns id") == true)
    }

    @Test func everyStatementIsCalledFromTheSources() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources").standardizedFileURL
        #expect(try StatementAnnotationCheck.uncalled(DatabaseQueries.all, sources: sources).isEmpty)
    }

    @Test func cardinalityIsHonouredAndAViolationNamesTheStatement() throws {
        let (_, db) = try TestDatabase.create()
        #expect(try db.experimentGetByName(name: "no such experiment") == nil)
        #expect(try db.databaseExists(name: "no such database").isEmpty)
        let two = try db.execute("SELECT 1 AS a FROM generate_series(1, 2)", name: "TwoRows")
        #expect(throws: DatabaseError.unexpectedResult(statement: "TwoRows", reason: "expected at most one row, got 2")) {
            try two.oneOrNone()
        }
        let none = try db.execute("SELECT 1 AS a WHERE false", name: "NoRow")
        #expect(throws: DatabaseError.unexpectedResult(statement: "NoRow", reason: "expected one row, got 0")) {
            try none.one()
        }
        #expect(try none.oneOrNone() == nil)
    }
}
