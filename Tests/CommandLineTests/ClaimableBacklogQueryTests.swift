import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

/// The query KEDA's postgresql trigger runs (read from deploy/kubernetes, as KEDA reads it)
/// against a real build: it must count exactly the jobs a worker could claim now, so that
/// KEDA starts workers when there is work and scales them to zero when there is none.
@Suite(.serialized, .tags(.database, .process)) struct ClaimableBacklogQueryTests {
    @Test func countsWhatAWorkerCouldClaimNowAndNothingOnceDoneOrPaused() throws {
        let query = try Self.kedaQuery()
        let plate = try PlannedPlate.make()
        let (run, connection, build) = (plate.run, plate.connection, plate.build)
        let builds = BuildStore(connection)
        #expect(try Self.backlog(query, connection) == 0, "planned, not started: nothing is claimable")

        #expect(try builds.start(build))
        let started = try Self.backlog(query, connection)
        #expect(started > 2)
        #expect(started == (try Self.claimableNow(connection)))

        let worker = try WorkerRegistry(connection).register(WorkerInfo(kinds: [], concurrency: 2))
        let claimed = try JobQueue(connection).claim(worker: worker, limit: 2)
        #expect(claimed.count == 2)
        #expect(try Self.backlog(query, connection) == started - 2, "running jobs are not backlog")
        #expect(try Self.claimableNow(connection) == started - 2)
        #expect(try JobQueue(connection).release(claimed.map(\.lease)).count == 2)
        try WorkerRegistry(connection).deregister(worker)
        #expect(try Self.backlog(query, connection) == started)

        #expect(try builds.pause(build) == started)
        #expect(try Self.backlog(query, connection) == 0, "a paused build's jobs are held")
        #expect(try Self.claimableNow(connection) == 0)
        #expect(try builds.resume(build) == started)
        #expect(try Self.backlog(query, connection) == started)

        let submitted = try run.submit("plate", workers: 2)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(try builds.info(build).state == .succeeded)
        #expect(try Self.backlog(query, connection) == 0, "a finished build leaves nothing to claim")
    }

    /// The trigger's query, exactly as deploy/kubernetes gives it to KEDA.
    static func kedaQuery() throws -> String {
        let scaled = try #require(try DeployFiles.objects(kind: "ScaledObject").first)
        return try #require(value(scaled, at: ["spec", "triggers", 0, "metadata", "query"]) as? String)
    }

    /// The one number the query returns, as KEDA reads it.
    static func backlog(_ query: String, _ connection: DatabaseConnection) throws -> Int {
        try connection.execute(query, name: "KEDA backlog").onlyInteger()
    }

    /// What a worker asking for every job would be given now: claimed in a transaction that
    /// is rolled back, so the queue is left as it was.
    static func claimableNow(_ connection: DatabaseConnection) throws -> Int {
        struct RolledBack: Error { let claimed: Int }
        do {
            try connection.transaction { db in
                let worker = try WorkerRegistry(db).register(WorkerInfo(kinds: [], concurrency: 1))
                throw RolledBack(claimed: try JobQueue(db).claim(worker: worker, limit: 1_000_000).count)
            }
        } catch let rolledBack as RolledBack {
            return rolledBack.claimed
        }
        throw TestSupportError("the claim transaction was not rolled back")
    }
}

extension QueryResult {
    /// The value of a result of one row and one column, as an integer.
    func onlyInteger() throws -> Int {
        guard rows.count == 1, columns.count == 1, let text = rows[0].values[0], let number = Int(text) else {
            throw TestSupportError("\(statement): expected one integer, got columns \(columns), rows \(rows.map(\.values))")
        }
        return number
    }
}
