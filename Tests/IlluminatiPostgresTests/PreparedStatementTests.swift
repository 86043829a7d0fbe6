import Foundation
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

/// Named statements are prepared on their second run on a connection and executed by name
/// after that; what the server says about its prepared statements (`pg_prepared_statements`,
/// which lists the session's own) is the observable state.
@Suite(.tags(.database)) struct PreparedStatementTests {
    private func statement(_ name: String, _ sql: String) -> NamedStatement {
        NamedStatement(name: name, cardinality: .many, file: "test.sql", line: 1, parameters: [], columns: [], sql: sql)
    }

    /// The texts of the statements this session has prepared.
    private func preparedTexts(_ db: DatabaseConnection) throws -> [String] {
        try db.execute("SELECT statement FROM pg_prepared_statements ORDER BY prepare_time", name: "prepared")
            .rows.map { try $0.string("statement") }
    }

    @Test func aStatementIsPreparedOnItsSecondRunAndRunsByNameAfterwards() throws {
        let (conninfo, db) = try TestDatabase.create(migrated: false)
        let double = statement("Double", "SELECT $1::int * 2 AS n")
        #expect(try db.run(double, [1]).one().int("n") == 2)
        #expect(try preparedTexts(db).isEmpty)
        #expect(try db.run(double, [2]).one().int("n") == 4)
        #expect(try preparedTexts(db) == [double.sql])
        #expect(try db.run(double, [3]).one().int("n") == 6)
        #expect(try db.run(double, [nil as Int?]).one().optionalInt("n") == nil)
        #expect(try preparedTexts(db) == [double.sql])
        // Another connection has its own session: nothing prepared there.
        let other = try DatabaseConnection(conninfo: conninfo)
        #expect(try preparedTexts(other).isEmpty)
    }

    @Test func preparedStatementsArePlannedForTheirParameters() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        #expect(try db.execute("SHOW plan_cache_mode", name: "show").one().string("plan_cache_mode") == "force_custom_plan")
    }

    @Test func aMigrationThatChangesTheResultIsAnsweredByPreparingAgain() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        try db.execute("CREATE TABLE t (k int)", name: "create")
        try db.execute("INSERT INTO t VALUES (7)", name: "insert")
        let all = statement("All", "SELECT * FROM t")
        try db.run(all, [])
        try db.run(all, [])
        #expect(try preparedTexts(db) == [all.sql])
        try db.execute("ALTER TABLE t ADD COLUMN extra text DEFAULT 'new'", name: "alter")
        // The prepared plan now returns another row type, which the server refuses (0A000);
        // the run is repeated as text and sees the new column.
        let row = try db.run(all, []).one()
        #expect(try row.string("extra") == "new")
        #expect(try db.run(all, []).one().int("k") == 7)
        #expect(try preparedTexts(db).count == 2)

        // Inside a transaction the refusal fails the transaction, as any error does; the next
        // run outside prepares afresh.
        try db.execute("ALTER TABLE t ADD COLUMN more int DEFAULT 1", name: "alter")
        #expect(throws: DatabaseError.self) {
            try db.transaction { runner in try runner.run(all, []) }
        }
        #expect(try db.run(all, []).one().int("more") == 1)
        #expect(try db.run(all, []).one().int("more") == 1)
    }

    @Test func aSessionThatLostItsStatementsStopsPreparing() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        let one = statement("One", "SELECT 1 AS n")
        try db.run(one, [])
        try db.run(one, [])
        #expect(try preparedTexts(db) == [one.sql])
        // What a pooler in transaction mode looks like from here: the next run reaches a
        // session without the statement (26000).
        try db.execute("DEALLOCATE ALL", name: "deallocate")
        #expect(try db.run(one, []).one().int("n") == 1)
        let two = statement("Two", "SELECT 2 AS n")
        for _ in 0..<3 { #expect(try db.run(two, []).one().int("n") == 2) }
        #expect(try preparedTexts(db).isEmpty)
    }
}
