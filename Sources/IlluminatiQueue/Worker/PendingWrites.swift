import IlluminatiPostgres
import Logging

/// Outcomes a claim loop still has to write. They survive a lost connection and are written
/// after reconnecting: every write is fenced, so writing one twice (the first commit's reply
/// was lost) changes nothing the second time.
struct PendingWrites {
    var completions: [Completion] = []
    var failures: [Failure] = []
    var releases: [JobLease] = []
    var cancellations: [JobLease] = []

    var isEmpty: Bool { completions.isEmpty && failures.isEmpty && releases.isEmpty && cancellations.isEmpty }
    var count: Int { completions.count + failures.count + releases.count + cancellations.count }

    mutating func append(_ other: PendingWrites) {
        completions += other.completions
        failures += other.failures
        releases += other.releases
        cancellations += other.cancellations
    }

    /// Writes everything; what was written is removed even if a later write throws.
    mutating func flush(_ connection: any StatementRunner, logger: Logger) throws {
        let queue = JobQueue(connection)
        if !completions.isEmpty {
            let report = try queue.complete(completions)
            completions = []
            for lease in report.lost {
                logger.warning("result dropped: the lease was lost (the job was reaped or cancelled)",
                               metadata: ["job": "\(lease.job)", "attempt": "\(lease.attempt)"])
            }
            for stage in report.advanced { logger.debug("stage finished", metadata: ["stage": "\(stage)"]) }
        }
        if !failures.isEmpty {
            let outcomes = try queue.fail(failures)
            for failure in failures {
                guard let outcome = outcomes[failure.lease.job] else { continue }
                let metadata: Logger.Metadata = ["job": "\(failure.lease.job)", "attempt": "\(failure.lease.attempt)",
                                                 "error": "\(failure.message)"]
                if outcome.state == .failed {
                    logger.error("job dead-lettered", metadata: metadata)
                } else {
                    logger.warning("job failed; retrying in \(Int(outcome.retryIn.inSeconds.rounded())) s", metadata: metadata)
                }
            }
            failures = []
        }
        if !releases.isEmpty {
            _ = try queue.release(releases)
            releases = []
        }
        while let lease = cancellations.first {
            try queue.acknowledgeCancel(lease)
            cancellations.removeFirst()
        }
    }
}
