import Foundation
import Logging

/// How to connect when the server may be down or restarting: retry with jittered
/// exponential backoff, and give up after a while with an error that says so.
public struct ConnectionRetry: Sendable {
    public var backoff: Backoff
    /// nil: never give up (a long-running worker waiting out a database restart); zero: one
    /// attempt, whose own error is thrown (a server that answers at once rather than waits).
    public var giveUpAfter: Duration?

    public init(backoff: Backoff = Backoff(base: .milliseconds(200), cap: .seconds(5)),
                giveUpAfter: Duration? = .seconds(60)) {
        self.backoff = backoff
        self.giveUpAfter = giveUpAfter
    }

    /// One attempt, no waiting.
    public static let singleAttempt = ConnectionRetry(giveUpAfter: .zero)
}

extension DatabaseConnection {
    /// Connects, retrying while the failure looks like an unreachable or restarting server.
    /// `shouldStop` is checked between attempts (and while sleeping), so a process asked to
    /// stop does not keep waiting for the database; it then gets `connectionFailed`.
    /// `setUp` prepares each new session (settings, LISTEN); a connection problem while it runs
    /// counts as a failed attempt.
    public static func connect(conninfo: String, applicationName: String = "illuminati",
                               retry: ConnectionRetry, logger: Logger? = nil,
                               shouldStop: @Sendable () -> Bool = { false },
                               setUp: (DatabaseConnection) throws -> Void = { _ in }) throws -> DatabaseConnection {
        let clock = ContinuousClock()
        let start = clock.now
        var attempt = 0
        while true {
            attempt += 1
            do {
                let connection = try DatabaseConnection(conninfo: conninfo, applicationName: applicationName)
                try setUp(connection)
                if attempt > 1 { logger?.info("connected to PostgreSQL after \(attempt) attempts") }
                return connection
            } catch let error as DatabaseError where error.isConnectionProblem {
                if retry.giveUpAfter == .zero { throw error }
                let waited = clock.now - start
                let delay = retry.backoff.delay(attempt: attempt)
                if let limit = retry.giveUpAfter, waited + delay > limit {
                    throw DatabaseError.connectionFailed(
                        "gave up after \(attempt) attempts in \(Int(waited.inSeconds.rounded())) s: \(error)")
                }
                if attempt == 1 || attempt % 10 == 0 {
                    logger?.warning("PostgreSQL unreachable, retrying", metadata: [
                        "attempt": "\(attempt)", "retry_in_ms": "\(Int(delay.inSeconds * 1000))", "error": "\(error)"])
                }
                guard sleepUnlessStopped(delay, shouldStop: shouldStop) else {
                    throw DatabaseError.connectionFailed("stopped while waiting for PostgreSQL: \(error)")
                }
            }
        }
    }
}

/// Sleeps in short steps; false if `shouldStop` became true.
public func sleepUnlessStopped(_ duration: Duration, shouldStop: () -> Bool) -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + duration
    while clock.now < end {
        if shouldStop() { return false }
        let left = end - clock.now
        let step = min(left, .milliseconds(50))
        usleep(useconds_t(max(step.inSeconds, 0) * 1_000_000))
    }
    return !shouldStop()
}
