import IlluminatiPostgres

/// The operator's actions on a build, over the `illuminati.*` functions: pause, resume, cancel,
/// and retry of dead letters (all of a build, of a stage or layer, or one job). One place for
/// `illuminati pause|resume|cancel|retry` and the queue dashboard's POST routes; each action
/// says what it touched (`ControlOutcome`) and names what is not there (`QueueControlError`).
public struct QueueControl {
    let connection: any StatementRunner

    public init(_ connection: any StatementRunner) { self.connection = connection }

    /// The build an operator means by an experiment: `requested` when it is one of the
    /// experiment's builds, else the newest.
    public func build(experimentID: Int64, experiment: String, requested: Int64? = nil) throws -> BuildInfo {
        let builds = try BuildStore(connection).builds(experiment: experimentID)
        if let requested {
            guard let build = builds.first(where: { $0.id == requested }) else {
                throw QueueControlError.unknownBuild(requested, experiment: experiment)
            }
            return build
        }
        guard let newest = builds.first else { throw QueueControlError.noBuild(experiment: experiment) }
        return newest
    }

    public func pause(_ build: Int64) throws -> ControlOutcome {
        try act(.pause, build) { (try BuildStore($0).pause(build), nil) }
    }

    public func resume(_ build: Int64) throws -> ControlOutcome {
        try act(.resume, build) { (try BuildStore($0).resume(build), nil) }
    }

    public func cancel(_ build: Int64) throws -> ControlOutcome {
        try act(.cancel, build) { (try BuildStore($0).cancel(build), nil) }
    }

    /// Queues the selected dead letters again with a fresh set of attempts (and, with
    /// `allAttempts`, runs the selected jobs waiting out a backoff now). A stage, layer or job
    /// the build does not have is an error; a job that is not a dead letter is left alone.
    public func retry(_ build: Int64, _ selection: RetrySelection) throws -> ControlOutcome {
        try act(.retry, build) { db in
            if selection.stage != nil || selection.layer != nil {
                guard try db.controlStageCount(build: build, stage: selection.stage, layer: selection.layer).stages > 0 else {
                    throw QueueControlError.unknownStage(build: build, stage: selection.stage, layer: selection.layer)
                }
            }
            if let job = selection.job {
                guard let record = try QueueInspector(db).job(job), record.stage.build == build else {
                    throw QueueControlError.unknownJob(job, build: build)
                }
            }
            // Queuing dead letters again notifies the workers by itself; running backed-off jobs now does not.
            let retriedIDs = try db.controlRetryFailed(build: build, stage: selection.stage, layer: selection.layer,
                                                       job: selection.job).map(\.id)
            let rushedIDs = selection.allAttempts
                ? try db.controlRetryBackoff(build: build, stage: selection.stage, layer: selection.layer, job: selection.job).map(\.id)
                : []
            if !rushedIDs.isEmpty { try db.notifyJobs() }
            return (retriedIDs.count + rushedIDs.count, retriedIDs + rushedIDs)
        }
    }

    /// Runs `body` (how many jobs it touched, and which where it knows) in a transaction on a
    /// build that must exist, and reads the build's state after it.
    private func act(_ action: ControlOutcome.Action, _ build: Int64,
                     _ body: (any StatementRunner) throws -> (jobs: Int, ids: [Int64]?)) throws -> ControlOutcome {
        try connection.transaction { db in
            guard try db.buildGet(build: build) != nil else { throw QueueError.unknownBuild(build) }
            let touched = try body(db)
            let state = try BuildStore(db).info(build).state.rawValue
            return ControlOutcome(action: action, build: build, buildState: state, jobs: touched.jobs, jobIDs: touched.ids)
        }
    }
}
