import Foundation
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct ReconnectingConnectionTests {
    static let fast = ConnectionRetry(backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(100)), giveUpAfter: .seconds(10))

    @Test func aLostConnectionIsDroppedAndTheNextUseConnectsAgainWithTheSessionSetUpAgain() throws {
        let (conninfo, admin) = try TestDatabase.create()
        let setUps = SetUpCount()
        let first = try DatabaseConnection(conninfo: conninfo)
        let database = ReconnectingConnection(conninfo: conninfo, retry: Self.fast, connection: first, setUp: { connection in
            setUps.increment()
            try connection.execute("SET statement_timeout = '1234ms'", name: "SET")
        })
        // A connection handed in is used, and set up on first use.
        #expect(try ExperimentStore(database).list().isEmpty)
        #expect(try database.withConnection { $0.backendPID } == first.backendPID)
        #expect(try statementTimeout(database) == "1234ms")
        #expect(setUps.value == 1)

        try admin.execute("SELECT pg_terminate_backend($1)", [Int(first.backendPID).sqlValue], name: "terminate")
        #expect {
            try ExperimentStore(database).list()
        } throws: { error in
            (error as? DatabaseError)?.isConnectionProblem == true
        }
        #expect(!database.isConnected)

        #expect(try ExperimentStore(database).list().isEmpty)
        #expect(try database.withConnection { $0.backendPID } != first.backendPID)
        #expect(try statementTimeout(database) == "1234ms")
        #expect(setUps.value == 2)
    }

    @Test func idempotentWorkRunsAgainOnANewConnectionAndOtherWorkGetsTheError() throws {
        let (conninfo, admin) = try TestDatabase.create(migrated: false)
        let database = ReconnectingConnection(conninfo: conninfo, retry: Self.fast)
        func terminate(_ connection: DatabaseConnection) throws {
            try admin.execute("SELECT pg_terminate_backend($1)", [Int(connection.backendPID).sqlValue], name: "terminate")
        }

        var runs = 0
        let answer = try database.withConnection(idempotent: true) { connection in
            runs += 1
            if runs == 1 { try terminate(connection) }
            return try connection.execute("SELECT 42 AS answer", name: "answer").one().int("answer")
        }
        #expect(answer == 42)
        #expect(runs == 2)
        #expect(database.isConnected)

        runs = 0
        #expect {
            try database.withConnection { connection in
                runs += 1
                try terminate(connection)
                try connection.execute("SELECT 1", name: "one")
            }
        } throws: { error in
            (error as? DatabaseError)?.isConnectionProblem == true
        }
        #expect(runs == 1)
        #expect(!database.isConnected)
    }

    @Test func aTransactionThatLosesItsConnectionIsNotRunAgain() throws {
        let (conninfo, admin) = try TestDatabase.create(migrated: false)
        try admin.execute("CREATE TABLE t (k int)", name: "create")
        let database = ReconnectingConnection(conninfo: conninfo, retry: Self.fast)
        let connection = try database.connect()
        var runs = 0
        #expect(throws: DatabaseError.self) {
            try database.transaction { _ in
                runs += 1
                try admin.execute("SELECT pg_terminate_backend($1)", [Int(connection.backendPID).sqlValue], name: "terminate")
                try connection.execute("INSERT INTO t VALUES (1)", name: "insert")
            }
        }
        #expect(runs == 1)
        #expect(!database.isConnected)
        #expect(try admin.execute("SELECT count(*) AS n FROM t", name: "count").one().int("n") == 0)
    }

    @Test func aStopEndsTheWaitForADatabaseThatIsAway() throws {
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        let started = ContinuousClock.now
        let database = ReconnectingConnection(
            conninfo: "host=\(directory.path) port=1 user=postgres dbname=none", retry: ConnectionRetry(giveUpAfter: nil),
            shouldStop: { ContinuousClock.now - started > .milliseconds(300) })
        #expect(throws: DatabaseError.self) { try database.connect() }
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(300) && waited < .seconds(5))
    }

    @Test func aSingleAttemptFailsAtOnceWithTheServersOwnWords() throws {
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        let database = ReconnectingConnection(conninfo: "host=\(directory.path) port=1 user=postgres dbname=none",
                                              retry: .singleAttempt)
        #expect {
            try database.connect()
        } throws: { error in
            guard case .connectionFailed(let message) = error as? DatabaseError else { return false }
            return !message.contains("gave up") && message.contains(directory.path)
        }
    }

    private func statementTimeout(_ database: ReconnectingConnection) throws -> String {
        try database.withConnection { try $0.execute("SHOW statement_timeout", name: "SHOW").one().string("statement_timeout") }
    }
}

/// How often a session was set up (set-ups run on the connecting thread).
private final class SetUpCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }

    func increment() { lock.withLock { count += 1 } }
}
