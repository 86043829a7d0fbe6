import IlluminatiPostgres

public struct ReapedJob: Sendable, Equatable {
    public enum Reason: String, Sendable { case leaseLost = "lease_lost", deadline }

    public var job: Int64
    public var build: Int64
    public var attempt: Int
    public var worker: WorkerID?
    public var reason: Reason
    /// `available` (after a backoff), `failed` (attempts exhausted) or `held`.
    public var state: JobState
}

public struct ReapReport: Sendable {
    public var reaped: [ReapedJob]
    /// Stages found empty and advanced (a completion's own advance was lost to a crash).
    public var advancedStages: Int
    /// Finished work past its retention age, removed by this sweep (see `Retention`).
    public var pruned: PrunedRows
}

/// Takes back the jobs of workers silent past their lease and of jobs past their deadline,
/// purges cancelled builds, forgets long-dead workers, advances drained stages, and prunes one
/// small batch of finished work past its retention age (`Retention`). Safe to
/// call from the coordinator and from every worker: concurrent sweeps skip each other.
public struct Reaper {
    let connection: any StatementRunner

    public init(_ connection: any StatementRunner) { self.connection = connection }

    public func sweep(maxJobs: Int = 1000, maxPruned: Int = 500) throws -> ReapReport {
        let reaped = try connection.reap(maxJobs: maxJobs).map { row in
            guard let reason = ReapedJob.Reason(rawValue: row.reason), let state = JobState(rawValue: row.newState) else {
                throw DatabaseError.unexpectedResult(statement: "Reap", reason: "unexpected \(row.reason)/\(row.newState)")
            }
            return ReapedJob(job: row.jobID, build: row.buildID, attempt: row.attempt, worker: row.workerID.flatMap(WorkerID.init),
                             reason: reason, state: state)
        }
        if !reaped.isEmpty { QueueMetrics.reaped.increment(by: reaped.count) }
        let advanced = try BuildStore(connection).advanceReadyStages()
        let pruned = try Retention(connection).pruneBatch(batch: maxPruned, onlyIfIdle: true)
        return ReapReport(reaped: reaped, advancedStages: advanced, pruned: pruned)
    }
}
