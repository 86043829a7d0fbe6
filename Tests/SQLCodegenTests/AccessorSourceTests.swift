@testable import SQLCodegen
import Testing

@Suite struct AccessorSourceTests {
    let queries = Queries(files: [(path: "/q/jobs.sql", text: """
        -- name: JobsClaim :many
        -- params: worker WorkerID, limit Int
        -- returns: id Int64, runtime_limit Double?, default Bool
        SELECT id, runtime_limit, true AS default FROM jobs WHERE worker = $1 LIMIT $2;

        -- name: JobGet :opt
        -- params: job_id Int64
        -- returns: JobsClaim.Row
        SELECT id, runtime_limit, true AS default FROM jobs WHERE id = $1;

        -- name: JobCount :one
        -- returns: jobs Int
        SELECT count(*) AS jobs FROM jobs;

        -- name: JobsDelete :exec
        -- params: ids [Int64]
        DELETE FROM jobs WHERE id = ANY($1);
        """)])

    @Test func publicAccessorsBindTypedParametersAndHonourTheCardinality() {
        #expect(queries.diagnostics.isEmpty)
        let source = AccessorSource(namespace: "QueueQueries", isPublic: true).render(queries.statements)
        for line in [
            "public enum QueueQueries {",
            "        JobsClaim.statement,",
            "    public enum JobsClaim {",
            "            name: \"JobsClaim\", cardinality: .many,",
            "                NamedStatement.Field(name: \"runtime_limit\", type: \"Double?\"),",
            "        public struct Row: Sendable {",
            "            public let runtimeLimit: Double?",
            "            public let `default`: Bool",
            "                self.runtimeLimit = try row.optionalDouble(\"runtime_limit\")",
            "        public typealias Row = JobsClaim.Row",
            "    public func jobsClaim(worker: WorkerID, limit: Int) throws -> [QueueQueries.JobsClaim.Row] {",
            "        try run(QueueQueries.JobsClaim.statement, [worker, limit]).rows.map(QueueQueries.JobsClaim.Row.init)",
            "    public func jobGet(jobID: Int64) throws -> QueueQueries.JobGet.Row? {",
            "        try run(QueueQueries.JobGet.statement, [jobID]).oneOrNone().map(QueueQueries.JobGet.Row.init)",
            "        try QueueQueries.JobCount.Row(run(QueueQueries.JobCount.statement, []).one())",
            "    @discardableResult\n    public func jobsDelete(ids: [Int64]) throws -> Int {",
            "        try run(QueueQueries.JobsDelete.statement, [ids]).affectedRows",
        ] {
            #expect(source.contains(line + "\n"), "missing: \(line)")
        }
        #expect(source.contains("sql: #\"\"\"\nSELECT count(*) AS jobs FROM jobs;\n\"\"\"#)"))
    }

    @Test func internalAccessorsKeepTheStatementsPublic() {
        let source = AccessorSource(namespace: "QueueQueries", isPublic: false).render(queries.statements)
        #expect(source.contains("    public static let all: [NamedStatement] = ["))
        #expect(source.contains("        public static let statement = NamedStatement("))
        #expect(source.contains("\n        struct Row: Sendable {\n            let id: Int64\n"))
        #expect(source.contains("\n    func jobsClaim(worker: WorkerID, limit: Int)"))
        #expect(!source.contains("public func"))
    }

    @Test func namesFollowSwiftConventions() {
        #expect(Identifier.camelCase("experiment_id") == "experimentID")
        #expect(Identifier.camelCase("site_ids") == "siteIDs")
        #expect(Identifier.camelCase("jobs_per_s") == "jobsPerS")
        #expect(Identifier.camelCase("index") == "index")
        #expect(Identifier.accessor("MapObjectsInBox") == "mapObjectsInBox")
        #expect(Identifier.escaped("in") == "`in`")
    }
}
