import Foundation
import IlluminatiPostgres

public struct StageProgress: Sendable, Equatable {
    public enum State: String, Sendable, Encodable { case waiting, running, succeeded, cancelled }

    public var layer: String
    public var stage: Int
    public var state: State
    public var total: Int
    public var succeeded: Int
    public var cancelled: Int
    public var waiting: Int
    public var available: Int
    public var held: Int
    public var running: Int
    /// Dead letters: the stage cannot finish until they are retried or cancelled.
    public var failed: Int
    /// Over the last 5 minutes.
    public var jobsPerSecond: Double
    /// Estimated time left, while running with recent progress.
    public var eta: Duration?
    /// From release to finish, once finished.
    public var duration: Duration?

    public var remaining: Int { waiting + available + held + running + failed }
}

public struct AttemptError: Sendable, Equatable, Decodable {
    public var attempt: Int
    /// error, permanent, deadline or lease_lost.
    public var kind: String
    public var message: String
    public var workerID: String?
    public var at: String

    enum CodingKeys: String, CodingKey {
        case attempt, kind, message, at
        case workerID = "worker_id"
    }
}

public struct FailedJob: Sendable, Equatable {
    public var id: Int64
    public var layer: String
    public var stage: Int
    public var kind: String
    public var payload: String
    public var attempt: Int
    public var maxAttempts: Int
    public var rescues: Int
    public var lastError: String
    /// Every failed attempt, oldest first.
    public var errors: [AttemptError]
}

public struct WorkerStatus: Sendable, Equatable {
    public var id: String
    public var hostname: String
    public var pid: Int
    public var version: String
    public var concurrency: Int
    /// active or draining.
    public var state: String
    /// Heard from within its lease.
    public var alive: Bool
    public var heartbeatAge: Duration
    public var runningJobs: Int
    /// The job kinds it claims.
    public var kinds: [String]
}

public struct RunningJob: Sendable, Equatable {
    public var id: Int64
    public var stage: StageKey
    public var kind: String
    public var attempt: Int
    public var workerID: String
    public var hostname: String?
    public var pid: Int?
    public var runtime: Duration
    public var timeLeft: Duration
}

public struct HistoryCounts: Sendable, Equatable {
    /// Rows in the history (succeeded and cancelled).
    public var total: Int
    /// Distinct jobs among them: equal to `total` unless a job finished twice.
    public var distinctJobs: Int
    public var succeeded: Int
}

/// Read-only answers for `illuminati status`, dashboards and tests (the `v_*` views).
public struct QueueInspector {
    let connection: any StatementRunner

    public init(_ connection: any StatementRunner) { self.connection = connection }

    /// Every stage of the build, by layer then stage.
    public func stages(build: Int64) throws -> [StageProgress] {
        try connection.inspectStages(build: build).map { row in
            guard let state = StageProgress.State(rawValue: row.state) else {
                throw DatabaseError.unexpectedResult(statement: "InspectStages", reason: "unknown stage state \(row.state)")
            }
            return StageProgress(
                layer: row.layer, stage: row.stage, state: state, total: row.totalJobs, succeeded: row.succeeded,
                cancelled: row.cancelled, waiting: row.waiting, available: row.available, held: row.held, running: row.running,
                failed: row.failed, jobsPerSecond: row.jobsPerS ?? 0, eta: row.eta.map { .seconds($0) },
                duration: row.duration.map { .seconds($0) })
        }
    }

    /// Dead letters of the build with every attempt's error; at most `limit`.
    public func failures(build: Int64, limit: Int = 100) throws -> [FailedJob] {
        try connection.inspectFailed(build: build, limit: limit).map { row in
            let errors = try JSONDecoder().decode([AttemptError].self, from: Data(row.errors.utf8))
            return FailedJob(id: row.jobID, layer: row.layer, stage: row.stage, kind: row.kind, payload: row.payload,
                             attempt: row.attempt, maxAttempts: row.maxAttempts, rescues: row.rescueCount,
                             lastError: row.lastError ?? "", errors: errors)
        }
    }

    /// Every failed or lost attempt of one job, oldest first.
    public func errors(job: Int64) throws -> [AttemptError] {
        try connection.inspectErrors(job: job).map { row in
            AttemptError(attempt: row.attempt, kind: row.kind, message: row.message, workerID: row.workerID, at: row.at)
        }
    }

    public func workers() throws -> [WorkerStatus] {
        try connection.inspectWorkers().map { row in
            WorkerStatus(id: row.workerID, hostname: row.hostname, pid: row.pid, version: row.version,
                         concurrency: row.concurrency, state: row.state, alive: row.alive,
                         heartbeatAge: .seconds(row.heartbeatAge ?? 0), runningJobs: row.runningJobs,
                         kinds: try QueueJSON.decode([String].self, from: row.kinds))
        }
    }

    public func running(build: Int64) throws -> [RunningJob] {
        try connection.inspectRunning(build: build).map { row in
            RunningJob(id: row.jobID, stage: StageKey(build: row.buildID, layer: row.layer, stage: row.stage),
                       kind: row.kind, attempt: row.attempt, workerID: row.workerID, hostname: row.hostname, pid: row.pid,
                       runtime: .seconds(row.runtime ?? 0), timeLeft: .seconds(row.timeLeft ?? 0))
        }
    }

    public func history(build: Int64) throws -> HistoryCounts {
        let row = try connection.inspectHistoryCounts(build: build)
        return HistoryCounts(total: row.total, distinctJobs: row.distinctJobs, succeeded: row.succeeded)
    }
}
