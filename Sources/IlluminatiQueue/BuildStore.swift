import IlluminatiPostgres

/// A build as stored.
public struct BuildInfo: Sendable, Equatable {
    public enum State: String, Sendable { case planned, running, paused, succeeded, cancelled }

    public var id: Int64
    public var experimentID: Int64
    public var state: State
    public var params: String
    public var priority: Int
    public var retry: RetryPolicy
    public var createdAt: String
    public var startedAt: String?
    public var finishedAt: String?
    /// When `cleanup` removed its outputs; such a build is over for good.
    public var cleanedUpAt: String?
}

/// Per layer: how many stages it has and how many have succeeded.
public struct LayerStatus: Sendable, Equatable {
    public var name: String
    public var stages: Int
    public var succeededStages: Int
    public var cancelled: Bool
    /// Every stage of the layer has succeeded (what `collect` waits for).
    public var isComplete: Bool { succeededStages == stages }
}

/// The coordinator's side: plans builds, starts them, and the operations on a whole build.
/// Each method is one short transaction (or one statement).
public struct BuildStore {
    let connection: any StatementRunner

    public init(_ connection: any StatementRunner) { self.connection = connection }

    /// Inserts the build, its stages and all its jobs (as `waiting`) in one transaction, and,
    /// with `start`, starts it in the same transaction. Returns the build id.
    @discardableResult
    public func create(_ plan: BuildPlan, start: Bool = true) throws -> Int64 {
        try plan.validate()
        do {
            return try connection.transaction { db in
                let build = try db.buildInsert(
                    experiment: plan.experimentID, params: plan.params, priority: plan.priority,
                    maxAttempts: plan.retry.maxAttempts, backoffBase: plan.retry.backoff.base.inSeconds,
                    backoffCap: plan.retry.backoff.cap.inSeconds).id
                var layers: [String] = [], stages: [Int] = [], totals: [Int] = []
                for layer in plan.layers {
                    for (stage, jobs) in layer.stages.enumerated() {
                        layers.append(layer.name); stages.append(stage); totals.append(jobs.count)
                    }
                }
                try db.buildStagesInsert(build: build, layers: layers, stages: stages, totals: totals)
                for layer in plan.layers where !layer.after.isEmpty {
                    try db.buildLayerAfter(build: build, layer: layer.name, after: layer.after)
                }
                for layer in plan.layers {
                    for (stage, jobs) in layer.stages.enumerated() where !jobs.isEmpty {
                        _ = try insertJobs(jobs, key: StageKey(build: build, layer: layer.name, stage: stage),
                                           state: .waiting, defaultMaxRuntime: plan.defaultMaxRuntime, db)
                    }
                }
                if start { _ = try db.buildStart(build: build) }
                return build
            }
        } catch let error as DatabaseError where error.sqlState == "23503" {
            throw QueueError.unknownExperiment(plan.experimentID)
        }
    }

    /// planned → running: stage 0 of every layer that waits for no other layer is released.
    /// False if the build was not in the planned state.
    @discardableResult
    public func start(_ build: Int64) throws -> Bool {
        let started = try connection.buildStart(build: build).started
        if !started { _ = try info(build) }
        return started
    }

    /// planned → running like `start(_:)`, after `prepare` has run under the build's row lock:
    /// of racing callers only the one that starts the build runs it, and no job of the build
    /// can be claimed before it has returned. False (and `prepare` not run) if the build was not
    /// in the planned state.
    @discardableResult
    public func start(_ build: Int64, preparing prepare: () throws -> Void) throws -> Bool {
        try connection.transaction { db in
            guard let row = try db.buildLock(build: build) else {
                throw QueueError.unknownBuild(build)
            }
            guard row.state == BuildInfo.State.planned.rawValue else { return false }
            try prepare()
            return try db.buildStart(build: build).started
        }
    }

    public func info(_ build: Int64) throws -> BuildInfo {
        guard let row = try connection.buildGet(build: build) else {
            throw QueueError.unknownBuild(build)
        }
        return try Self.buildInfo(row)
    }

    /// The experiment's builds, newest first.
    public func builds(experiment: Int64) throws -> [BuildInfo] {
        try connection.buildsByExperiment(experiment: experiment).map(Self.buildInfo)
    }

    public func latestBuild(experiment: Int64) throws -> BuildInfo? { try builds(experiment: experiment).first }

    public func layers(_ build: Int64) throws -> [LayerStatus] {
        let rows = try connection.buildLayers(build: build)
        if rows.isEmpty { _ = try info(build) }
        return rows.map { row in
            LayerStatus(name: row.layer, stages: row.stages, succeededStages: row.succeeded, cancelled: row.cancelled)
        }
    }

    /// Whether every stage of `layer` has succeeded.
    public func isLayerComplete(build: Int64, layer: String) throws -> Bool {
        guard let status = try layers(build).first(where: { $0.name == layer }) else {
            throw QueueError.unknownStage(build: build, layer: layer, stage: 0)
        }
        return status.isComplete
    }

    /// Holds the build's claimable jobs; running jobs finish. Returns how many were held.
    @discardableResult
    public func pause(_ build: Int64) throws -> Int {
        try mappingUnknownBuild(build) { try connection.buildPause(build: build).jobs }
    }

    @discardableResult
    public func resume(_ build: Int64) throws -> Int {
        try mappingUnknownBuild(build) { try connection.buildResume(build: build).jobs }
    }

    /// Cancels the build: waiting, available, held and dead-lettered jobs move to the history
    /// as cancelled; running jobs are asked to stop. Returns how many jobs.
    @discardableResult
    public func cancel(_ build: Int64) throws -> Int {
        try mappingUnknownBuild(build) { try connection.buildCancel(build: build).jobs }
    }

    /// Dead-lettered jobs (optionally of one stage index and/or one layer) run again with a
    /// fresh set of attempts. Returns how many.
    @discardableResult
    public func retryFailed(_ build: Int64, stage: Int? = nil, layer: String? = nil) throws -> Int {
        if let stage, stage < 0 { throw QueueError.invalidArgument("stages are 0 or more, not \(stage)") }
        return try mappingUnknownBuild(build) {
            try connection.buildRetryFailed(build: build, stage: stage, layer: layer).jobs
        }
    }

    /// Runs every job of the build again from the first stages. Returns how many jobs.
    /// A cleaned-up build is refused (`buildCleanedUp`): its outputs are gone; so is one whose
    /// history retention pruned (`buildHistoryPruned`): its finished jobs are gone.
    @discardableResult
    public func restart(_ build: Int64) throws -> Int {
        do {
            return try mappingUnknownBuild(build) { try connection.buildRestart(build: build).jobs }
        } catch let error as DatabaseError where error.sqlState == "55000" {
            throw QueueError.buildCleanedUp(build)
        } catch let error as DatabaseError where error.sqlState == "IL001" {
            throw QueueError.buildHistoryPruned(build)
        }
    }

    /// Before `cleanup` removes the build's outputs: cancels it if it is still live, and marks
    /// it cleaned up, so that it is never resumed or restarted. Returns how many jobs the
    /// cancel touched.
    @discardableResult
    public func cleanUp(_ build: Int64) throws -> Int {
        try mappingUnknownBuild(build) { try connection.buildCleanup(build: build).jobs }
    }

    /// Gives up on one job that is not running (typically a dead letter), so its stage's
    /// barrier no longer waits for it. False if no such job (or it is running).
    @discardableResult
    public func cancelJob(_ job: Int64) throws -> Bool {
        try connection.jobCancel(job: job).cancelled
    }

    /// Advances one stage if none of its jobs is left; true for the one caller that did.
    @discardableResult
    public func advance(_ stage: StageKey) throws -> Bool {
        try connection.stageAdvance(build: stage.build, layer: stage.layer, stage: stage.stage).advanced
    }

    /// Advances every stage that has no job left; returns how many.
    @discardableResult
    public func advanceReadyStages() throws -> Int {
        try connection.stagesAdvanceReady().advanced
    }

    // MARK: - Helpers

    private func mappingUnknownBuild<T>(_ build: Int64, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.sqlState == "P0002" {
            throw QueueError.unknownBuild(build)
        }
    }

    static func buildInfo(_ row: QueueQueries.BuildGet.Row) throws -> BuildInfo {
        guard let state = BuildInfo.State(rawValue: row.state) else {
            throw DatabaseError.unexpectedResult(statement: "BuildGet", reason: "unknown build state \(row.state)")
        }
        return BuildInfo(
            id: row.id, experimentID: row.experimentID, state: state, params: row.params, priority: row.priority,
            retry: RetryPolicy(maxAttempts: row.maxAttempts,
                               backoff: Backoff(base: .seconds(row.backoffBase ?? 0), cap: .seconds(row.backoffCap ?? 0))),
            createdAt: row.createdAt, startedAt: row.startedAt, finishedAt: row.finishedAt, cleanedUpAt: row.cleanedUpAt)
    }
}

/// Inserts jobs into one stage with one statement (parallel arrays, unnested server-side).
func insertJobs(_ jobs: [JobSpec], key: StageKey, state: JobState, defaultMaxRuntime: Duration,
                _ db: any StatementRunner) throws -> [Int64] {
    try db.jobsInsert(
        build: key.build, layer: key.layer, stage: key.stage, state: state.rawValue, kinds: jobs.map(\.kind),
        payloads: jobs.map(\.payload), priorities: jobs.map(\.priority), localities: jobs.map(\.locality),
        maxRuntimes: jobs.map { ($0.maxRuntime ?? defaultMaxRuntime).inSeconds }
    ).map(\.id)
}
