import Foundation
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct NotificationTests {
    @Test func listenersReceiveNotificationsCommittedByOthersWithTheirPayload() throws {
        let (conninfo, listener) = try TestDatabase.create(migrated: false)
        let sender = try DatabaseConnection(conninfo: conninfo)
        try listener.listen("queue events")
        #expect(try listener.waitForNotifications(timeout: .milliseconds(50)).isEmpty)
        try sender.execute("SELECT pg_notify('queue events', 'build 7')", name: "notify")
        // Inside a transaction nothing is delivered until the commit.
        _ = try sender.transaction { _ in try sender.execute("SELECT pg_notify('queue events', 'later')", name: "notify") }
        var received: [DatabaseNotification] = []
        let end = ContinuousClock.now + .seconds(5)
        while received.count < 2 && ContinuousClock.now < end {
            received += try listener.waitForNotifications(timeout: .seconds(1))
        }
        #expect(received.map(\.payload) == ["build 7", "later"])
        #expect(received.allSatisfy { $0.channel == "queue events" && $0.senderPID == sender.backendPID })
        try listener.unlisten("queue events")
        try sender.execute("SELECT pg_notify('queue events', 'unheard')", name: "notify")
        #expect(try listener.waitForNotifications(timeout: .milliseconds(200)).isEmpty)
    }

    @Test func waitingReturnsAfterTheTimeoutWhenNothingArrives() throws {
        let (_, listener) = try TestDatabase.create(migrated: false)
        try listener.listen("quiet")
        let start = ContinuousClock.now
        #expect(try listener.waitForNotifications(timeout: .milliseconds(300)).isEmpty)
        #expect(ContinuousClock.now - start >= .milliseconds(250))
    }

    @Test func aTerminatedBackendIsAConnectionProblemNotAStatementError() throws {
        let (conninfo, victim) = try TestDatabase.create(migrated: false)
        let admin = try DatabaseConnection(conninfo: conninfo)
        try victim.listen("anything")
        try admin.execute("SELECT pg_terminate_backend($1)", [Int(victim.backendPID).sqlValue], name: "terminate")
        #expect {
            for _ in 0..<20 { _ = try victim.waitForNotifications(timeout: .milliseconds(100)) }
        } throws: { error in
            (error as? DatabaseError)?.isConnectionProblem == true
        }
        #expect(!victim.isConnected)
        #expect {
            try victim.execute("SELECT 1", name: "after")
        } throws: { error in
            (error as? DatabaseError)?.isConnectionProblem == true
        }
        #expect(DatabaseError.statementFailed(statement: "x", sqlState: "57P01", message: "", detail: nil).isConnectionProblem)
        #expect(!DatabaseError.statementFailed(statement: "x", sqlState: "23505", message: "", detail: nil).isConnectionProblem)
    }

    @Test func connectingRetriesWithBackoffAndGivesUpWithAClearMessage() throws {
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        let retry = ConnectionRetry(backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(80)), giveUpAfter: .milliseconds(500))
        let start = ContinuousClock.now
        #expect {
            _ = try DatabaseConnection.connect(conninfo: "host=\(directory.path) port=1 user=postgres dbname=none", retry: retry)
        } throws: { error in
            guard case .connectionFailed(let message) = error as? DatabaseError else { return false }
            return message.contains("gave up after") && message.contains("attempts")
        }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(5))
        // Stopping interrupts the wait.
        #expect(throws: DatabaseError.self) {
            _ = try DatabaseConnection.connect(conninfo: "host=\(directory.path) port=1 user=postgres dbname=none",
                                               retry: ConnectionRetry(giveUpAfter: nil), shouldStop: { true })
        }
    }
}

@Suite struct BackoffTests {
    @Test func delaysDoubleFromTheBaseUpToTheCapWithEqualJitter() {
        let backoff = Backoff(base: .seconds(10), cap: .seconds(60))
        #expect([1, 2, 3, 4, 5, 100].map { backoff.ceiling(attempt: $0) } == [.seconds(10), .seconds(20), .seconds(40), .seconds(60), .seconds(60), .seconds(60)])
        #expect(backoff.delay(attempt: 1, unit: 0) == .seconds(5))
        #expect(backoff.delay(attempt: 1, unit: 1) == .seconds(10))
        #expect(backoff.delay(attempt: 3, unit: 0.5) == .seconds(30))
        #expect(backoff.delay(attempt: 2000, unit: 1) == .seconds(60))
        #expect(backoff.ceiling(attempt: 0) == .seconds(10))
        for _ in 0..<100 {
            let delay = backoff.delay(attempt: 2)
            #expect(delay >= .seconds(10) && delay <= .seconds(20))
        }
        // A cap below the base is raised to the base.
        #expect(Backoff(base: .seconds(5), cap: .seconds(1)).ceiling(attempt: 3) == .seconds(5))
    }
}
