import Foundation
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct ConnectionTests {
    @Test func parametersRoundTripIncludingQuotesAndNulls() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        let tricky = "Robert'); DROP TABLE students; -- \\ \"quoted\" {brace},comma"
        let row = try db.execute("SELECT $1::text AS a, $2::int AS b, $3::text AS c, $4::float8 AS d",
                                 [tricky.sqlValue, 42.sqlValue, SQLValue.null, 2.5.sqlValue], name: "roundtrip").one()
        #expect(try row.string("a") == tricky)
        #expect(try row.int("b") == 42)
        #expect(try row.optionalString("c") == nil)
        #expect(try row.optionalDouble("d") == 2.5)
    }

    @Test func arrayParametersKeepEveryElementExactly() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        let values: [String?] = ["plain", "with \"quotes\"", "back\\slash", "{braces}", "a,b", "", nil, "NULL", "ünïcødé"]
        let rows = try db.execute("SELECT v, ord FROM unnest($1::text[]) WITH ORDINALITY AS u (v, ord) ORDER BY ord",
                                  [values.sqlValue], name: "unnest").rows
        #expect(rows.count == values.count)
        for (row, expected) in zip(rows, values) { #expect(try row.optionalString("v") == expected) }
    }

    @Test func statementErrorsCarryTheirSQLState() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        try db.execute("CREATE TABLE t (k int PRIMARY KEY)", name: "create")
        try db.execute("INSERT INTO t VALUES (1)", name: "insert")
        #expect {
            try db.execute("INSERT INTO t VALUES (1)", name: "duplicate")
        } throws: { error in
            (error as? DatabaseError)?.isUniqueViolation == true && "\(error)".contains("duplicate")
        }
        #expect {
            try db.execute("SELEC 1", name: "typo")
        } throws: { error in
            (error as? DatabaseError)?.sqlState == "42601"
        }
        // The connection is still usable after errors.
        #expect(try db.execute("SELECT count(*) AS n FROM t", name: "count").one().int("n") == 1)
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        let (_, db) = try TestDatabase.create(migrated: false)
        try db.execute("CREATE TABLE t (k int)", name: "create")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction { _ in
                try db.execute("INSERT INTO t VALUES (1)", name: "insert")
                throw Boom()
            }
        }
        #expect(try db.execute("SELECT count(*) AS n FROM t", name: "count").one().int("n") == 0)
    }

    @Test func connectionFailureIsATypedError() throws {
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        #expect {
            _ = try DatabaseConnection(conninfo: "host=\(directory.path) port=1 user=postgres dbname=none connect_timeout=2")
        } throws: { error in
            guard case .connectionFailed(let message) = error as? DatabaseError else { return false }
            return !message.isEmpty
        }
    }

    @Test func targetResolutionPrefersFlagThenURLThenPGVariables() {
        #expect(DatabaseTarget.resolve(databaseURL: "postgresql://a/b", stateDirectory: "s", environment: ["DATABASE_URL": "x"]) == .url("postgresql://a/b"))
        #expect(DatabaseTarget.resolve(databaseURL: nil, stateDirectory: "s", environment: ["DATABASE_URL": "x", "PGHOST": "h"]) == .url("x"))
        #expect(DatabaseTarget.resolve(databaseURL: nil, stateDirectory: "s", environment: ["PGHOST": "h"]) == .environment)
        #expect(DatabaseTarget.resolve(databaseURL: "", stateDirectory: "s", environment: ["DATABASE_URL": ""]) == .embedded(stateDirectory: "s"))
    }
}
