@testable import SQLCodegen
import Testing

@Suite struct QueriesParsingTests {
    @Test func statementsKeepTheirTextWithoutAnnotationsAndTheirLines() {
        let text = """
            -- file comment
            -- name: First :one
            -- params: worker_id WorkerID, limit Int
            -- returns: id Int64, note String?
            -- returns: runtime_limit Double?
            -- what it does
            SELECT id, note, runtime_limit FROM t
            -- an inner comment, kept
            WHERE worker = $1 LIMIT $2;

            -- trailing comment of the previous statement, dropped
            -- name: Second :exec
            DELETE FROM t;
            """
        let queries = Queries(files: [(path: "/q/a.sql", text: text)])
        #expect(queries.diagnostics.isEmpty)
        #expect(queries.statements.map(\.name) == ["First", "Second"])
        #expect(queries.statements.map(\.line) == [2, 12])
        #expect(queries.statements.map(\.file) == ["a.sql", "a.sql"])
        let first = queries.statements[0]
        #expect(first.cardinality == .one)
        #expect(first.sql == "-- what it does\nSELECT id, note, runtime_limit FROM t\n-- an inner comment, kept\nWHERE worker = $1 LIMIT $2;")
        #expect(first.parameters.map(\.name) == ["worker_id", "limit"])
        #expect(first.parameters.map(\.type.description) == ["WorkerID", "Int"])
        #expect(first.columns.map(\.name) == ["id", "note", "runtime_limit"])
        #expect(first.columns.map(\.type.description) == ["Int64", "String?", "Double?"])
        #expect(queries.statements[1].sql == "DELETE FROM t;")
    }

    @Test func sharedRowsTakeTheOtherStatementsColumns() {
        let text = """
            -- name: One :opt
            -- params: id Int64
            -- returns: id Int64, name String
            SELECT id, name FROM t WHERE id = $1;

            -- name: All :many
            -- returns: One.Row
            SELECT id, name FROM t;
            """
        let queries = Queries(files: [(path: "t.sql", text: text)])
        #expect(queries.diagnostics.isEmpty)
        #expect(queries.statements[1].columns == queries.statements[0].columns)
        #expect(queries.statements[1].sharedRow == "One")
    }

    @Test(arguments: [
        ("-- name: lowercase :one\nSELECT 1 AS a;", 1, "expected `-- name: StatementName :one|:opt|:many|:exec`"),
        ("-- name: Rows :all\nSELECT 1 AS a;", 1, "expected `-- name: StatementName"),
        ("-- name: A :many\n-- params: worker\n-- returns: a Int\nSELECT $1 AS a;", 2, "expected `name Type`"),
        ("-- name: A :many\n-- params: worker Set<Int>\n-- returns: a Int\nSELECT $1 AS a;", 2, "`Set<Int>` is not a type"),
        ("-- name: A :many\n-- returns: id WorkerID\nSELECT 1 AS id;", 2, "column id: a row cannot be read as WorkerID"),
        ("-- name: A :many\n-- returns: a Int\nSELECT 1 AS a,\n-- returns: b Int\n2 AS b;", 4, "belong on the lines right after"),
        ("-- params: a Int\n-- name: A :exec\nSELECT 1;", 1, "belong on the lines right after"),
        ("-- name: A :exec\n-- returns: a Int\nDELETE FROM t;", 2, "A :exec returns no rows"),
        ("-- name: A :many\nSELECT 1 AS a;", 1, "A :many needs a `-- returns:` line"),
        ("-- name: A :exec\n-- params: a Int\nDELETE FROM t WHERE a = $1 AND b = $2;", 2, "A uses $1, $2, but `-- params:` names 1"),
        ("-- name: A :exec\nDELETE FROM t WHERE a = $2;", 1, "A uses $2, but `-- params:` names 0"),
        ("-- name: A :exec\n-- params: a Int, a Int\nDELETE FROM t WHERE a = $1 OR a = $2;", 2, "two parameters named a"),
        ("-- name: A :many\n-- returns: Missing.Row\nSELECT 1 AS a;", 1, "A returns Missing.Row, but Missing is not"),
        ("-- name: A :exec\n\n-- only a comment", 1, "A has no SQL"),
    ])
    func malformedAnnotationsAreReportedAtTheirLine(text: String, line: Int, message: String) {
        let queries = Queries(files: [(path: "/src/Queries/bad.sql", text: text)])
        #expect(queries.diagnostics.count == 1, "\(queries.diagnostics)")
        let diagnostic = queries.diagnostics.first
        #expect(diagnostic?.line == line)
        #expect(diagnostic?.message.contains(message) == true, "\(diagnostic?.message ?? "")")
        #expect(diagnostic?.description.hasPrefix("/src/Queries/bad.sql:\(line): error: ") == true)
    }

    @Test func aNameDefinedTwiceIsReportedWhereItIsDefinedAgain() {
        let queries = Queries(files: [
            (path: "/q/b.sql", text: "\n-- name: Twice :exec\nDELETE FROM b;"),
            (path: "/q/a.sql", text: "-- name: Twice :exec\nDELETE FROM a;"),
        ])
        #expect(queries.diagnostics.map(\.description) == ["/q/b.sql:2: error: Twice is also defined at a.sql:1"])
    }

    @Test func placeholdersInCommentsStringsAndQuotedBodiesDoNotCount() {
        let sql = """
            SELECT '$1', 'it''s $2', "col$3", a$4, $5 -- $6
            /* $7 /* nested $8 */ still $9 */, $$ $10 $$, $body$ $11 $body$, $12::int[]
            """
        #expect(parameterReferences(in: sql) == [5, 12])
    }
}
