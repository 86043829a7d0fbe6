import Foundation
import IlluminatiDatabase

public struct LevelProgress: Sendable, Equatable {
    public enum State: String, Sendable { case waiting, running, succeeded, cancelled }

    public var layer: String
    public var level: Int
    public var state: State
    public var total: Int
    public var succeeded: Int
    public var cancelled: Int
    public var waiting: Int
    public var available: Int
    public var held: Int
    public var running: Int
    /// Dead letters: the level cannot finish until they are retried or cancelled.
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
    public var level: Int
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
}

public struct RunningJob: Sendable, Equatable {
    public var id: Int64
    public var level: LevelKey
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

    /// Every level of the build, by layer then level.
    public func levels(build: Int64) throws -> [LevelProgress] {
        try connection.run(QueueSQL.named("InspectLevels"), [build]).rows.map { row in
            let stateText = try row.string("state")
            guard let state = LevelProgress.State(rawValue: stateText) else {
                throw DatabaseError.unexpectedResult(statement: "InspectLevels", reason: "unknown level state \(stateText)")
            }
            return LevelProgress(
                layer: try row.string("layer"), level: try row.int("level"), state: state, total: try row.int("total_jobs"),
                succeeded: try row.int("succeeded"), cancelled: try row.int("cancelled"), waiting: try row.int("waiting"),
                available: try row.int("available"), held: try row.int("held"), running: try row.int("running"),
                failed: try row.int("failed"), jobsPerSecond: try row.optionalDouble("jobs_per_s") ?? 0,
                eta: try row.optionalDouble("eta").map { .seconds($0) },
                duration: try row.optionalDouble("duration").map { .seconds($0) })
        }
    }

    /// Dead letters of the build with every attempt's error; at most `limit`.
    public func failures(build: Int64, limit: Int = 100) throws -> [FailedJob] {
        try connection.run(QueueSQL.named("InspectFailed"), [build, limit]).rows.map { row in
            let errorsText = try row.string("errors")
            let errors = try JSONDecoder().decode([AttemptError].self, from: Data(errorsText.utf8))
            return FailedJob(id: try row.int64("job_id"), layer: try row.string("layer"), level: try row.int("level"),
                             kind: try row.string("kind"), payload: try row.string("payload"), attempt: try row.int("attempt"),
                             maxAttempts: try row.int("max_attempts"), rescues: try row.int("rescue_count"),
                             lastError: try row.optionalString("last_error") ?? "", errors: errors)
        }
    }

    /// Every failed or lost attempt of one job, oldest first.
    public func errors(job: Int64) throws -> [AttemptError] {
        try connection.run(QueueSQL.named("InspectErrors"), [job]).rows.map { row in
            AttemptError(attempt: try row.int("attempt"), kind: try row.string("kind"), message: try row.string("message"),
                         workerID: try row.optionalString("worker_id"), at: try row.string("at"))
        }
    }

    public func workers() throws -> [WorkerStatus] {
        try connection.run(QueueSQL.named("InspectWorkers")).rows.map { row in
            WorkerStatus(id: try row.string("worker_id"), hostname: try row.string("hostname"), pid: try row.int("pid"),
                         version: try row.string("version"), concurrency: try row.int("concurrency"),
                         state: try row.string("state"), alive: try row.bool("alive"),
                         heartbeatAge: .seconds(try row.optionalDouble("heartbeat_age") ?? 0),
                         runningJobs: try row.int("running_jobs"))
        }
    }

    public func running(build: Int64) throws -> [RunningJob] {
        try connection.run(QueueSQL.named("InspectRunning"), [build]).rows.map { row in
            RunningJob(id: try row.int64("job_id"),
                       level: LevelKey(build: try row.int64("build_id"), layer: try row.string("layer"), level: try row.int("level")),
                       kind: try row.string("kind"), attempt: try row.int("attempt"), workerID: try row.string("worker_id"),
                       hostname: try row.optionalString("hostname"), pid: try row.optionalInt("pid"),
                       runtime: .seconds(try row.optionalDouble("runtime") ?? 0),
                       timeLeft: .seconds(try row.optionalDouble("time_left") ?? 0))
        }
    }

    public func history(build: Int64) throws -> HistoryCounts {
        let row = try connection.run(QueueSQL.named("InspectHistoryCounts"), [build]).one()
        return HistoryCounts(total: try row.int("total"), distinctJobs: try row.int("distinct_jobs"),
                             succeeded: try row.int("succeeded"))
    }
}
