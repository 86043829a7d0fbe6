import Foundation
import IlluminatiPostgres

/// What operators list: a build's live jobs and dead letters, the workers, and the overview
/// the queue dashboard draws. One place for `illuminati jobs|workers` and `/api/queue`.
public struct QueueListing {
    let connection: any StatementRunner

    public init(_ connection: any StatementRunner) { self.connection = connection }

    /// The build's live jobs (of one state), by layer, stage and id; at most `limit`.
    public func jobs(build: Int64, state: JobState? = nil, limit: Int = 100_000) throws -> [ListedJob] {
        try connection.listJobs(build: build, state: state?.rawValue, limit: limit).map { row in
            ListedJob(id: row.id, layer: row.layer, stage: row.stage, kind: row.kind, state: row.state, attempt: row.attempt,
                      maxAttempts: row.maxAttempts, runAt: row.runAt,
                      worker: row.workerID.map { ListedJob.Worker(id: $0, host: row.hostname, pid: row.pid) },
                      runtimeSeconds: row.runtime, lastError: row.lastError, file: row.lastError.flatMap(ErrorFile.named(in:)))
        }
    }

    public func workers() throws -> [WorkerStatus] { try QueueInspector(connection).workers() }

    /// Every live build and the last `finishedBuilds` that are over, newest first, each with its
    /// stages and at most `jobsPerBuild` running jobs and dead letters; and the workers.
    public func overview(finishedBuilds: Int = 10, jobsPerBuild: Int = 100) throws -> QueueOverview {
        let inspector = QueueInspector(connection)
        let builds = try connection.listBuilds(finished: finishedBuilds).map { row in
            // A succeeded build has no live jobs left (its last stage's barrier saw to that).
            let live = row.state != BuildInfo.State.succeeded.rawValue
            return ListedBuild(
                id: row.id, experimentID: row.experimentID, experiment: row.experiment, state: row.state,
                createdAt: row.createdAt, startedAt: row.startedAt, finishedAt: row.finishedAt,
                stages: try inspector.stages(build: row.id),
                running: live ? try jobs(build: row.id, state: .running, limit: jobsPerBuild) : [],
                failed: live ? try jobs(build: row.id, state: .failed, limit: jobsPerBuild) : [])
        }
        return QueueOverview(builds: builds, workers: try workers())
    }

    /// Sorted keys, snake_case, unescaped slashes: the JSON the server's API writes too.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }
}
