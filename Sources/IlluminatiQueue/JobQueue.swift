import IlluminatiMetrics
import IlluminatiPostgres

/// The worker's side of the queue: claim, complete, fail, release — every write fenced by
/// the lease, each one short statement in its own transaction (never call these inside a
/// transaction: completion checks the stage barrier after its commit).
public struct JobQueue {
    let connection: any StatementRunner

    public init(_ connection: any StatementRunner) { self.connection = connection }

    /// Adds jobs to an existing stage of a build. Into a released stage they are claimable at
    /// once (held if the build is paused); into a waiting stage they wait with it.
    @discardableResult
    public func enqueue(_ jobs: [JobSpec], into stage: StageKey, maxRuntime: Duration = .seconds(900)) throws -> [Int64] {
        guard stage.stage >= 0 else { throw QueueError.invalidArgument("stages are 0 or more, not \(stage.stage)") }
        guard maxRuntime > .zero else { throw QueueError.invalidArgument("the runtime limit must be positive") }
        for job in jobs {
            guard !job.kind.isEmpty, job.kind.utf8.count <= 100 else {
                throw QueueError.invalidArgument("job kinds must have 1 to 100 bytes")
            }
            if let priority = job.priority { try BuildPlan.checkPriority(priority, what: "job priority") }
        }
        if jobs.isEmpty { return [] }
        let ids: [Int64] = try connection.transaction { db in
            guard let build = try db.buildLock(build: stage.build) else {
                throw QueueError.unknownBuild(stage.build)
            }
            guard let row = try db.buildStageGet(build: stage.build, layer: stage.layer, stage: stage.stage) else {
                throw QueueError.unknownStage(build: stage.build, layer: stage.layer, stage: stage.stage)
            }
            let buildState = build.state, stageState = row.state
            let state: JobState
            switch (buildState, stageState) {
            case ("cancelled", _), (_, "succeeded"), (_, "cancelled"):
                throw QueueError.stageClosed(build: stage.build, layer: stage.layer, stage: stage.stage,
                                             state: buildState == "cancelled" ? "cancelled" : stageState)
            case (_, "waiting"): state = .waiting
            case ("running", _): state = .available
            default: state = .held
            }
            let ids = try insertJobs(jobs, key: stage, state: state, defaultMaxRuntime: maxRuntime, db)
            try db.buildStageAddJobs(build: stage.build, layer: stage.layer, stage: stage.stage, added: ids.count)
            if state == .available { try db.notifyJobs() }
            return ids
        }
        QueueMetrics.enqueued.increment(by: ids.count)
        return ids
    }

    /// Leases up to `limit` claimable jobs that fit `capacity` to `worker` (which must be
    /// registered and active), in the order priority, stage, locality. One statement; no
    /// transaction stays open. A worker passes what it registered (`WorkerInfo.capacity`).
    public func claim(worker: WorkerID, limit: Int, fitting capacity: WorkerCapacity = .anything) throws -> [ClaimedJob] {
        guard limit > 0 else { return [] }
        let clock = ContinuousClock()
        let start = clock.now
        let rows = try connection.jobsClaim(worker: worker, limit: limit, cores: capacity.cores, memoryMb: capacity.memoryMB,
                                            kinds: capacity.kinds)
        let received = clock.now
        QueueMetrics.claimLatency.record(received - start)
        if !rows.isEmpty { QueueMetrics.claimed.increment(by: rows.count) }
        return rows.map { row in
            let limit = Duration.seconds(row.runtimeLimit ?? 0)
            return ClaimedJob(
                lease: JobLease(job: row.id, attempt: row.attempt, worker: worker), kind: row.kind, payload: row.payload,
                stage: StageKey(build: row.buildID, layer: row.layer, stage: row.stage),
                maxAttempts: row.maxAttempts, runtimeLimit: limit, deadline: start + limit)
        }
    }

    /// Records jobs as succeeded (moved to the history) if their leases still hold, then
    /// advances the stages this emptied. Leases whose writes matched nothing are reported lost.
    public func complete(_ completions: [Completion]) throws -> CompletionReport {
        var report = CompletionReport(completed: [], lost: [], advanced: [])
        var drained = Set<StageKey>()
        for (worker, group) in Dictionary(grouping: completions, by: \.lease.worker) {
            let rows = try connection.jobsComplete(worker: worker, jobs: group.map(\.lease.job),
                                                   attempts: group.map(\.lease.attempt), results: group.map(\.result))
            for row in rows {
                report.completed.insert(row.id)
                if row.drained {
                    drained.insert(StageKey(build: row.buildID, layer: row.layer, stage: row.stage))
                }
            }
            report.lost += group.map(\.lease).filter { !report.completed.contains($0.job) }
        }
        // After the commit: the advance decides under the build's lock, seeing every
        // completion committed before it (see queue_advance_stage).
        let store = BuildStore(connection)
        for stage in drained.sorted(by: { ($0.build, $0.layer, $0.stage) < ($1.build, $1.layer, $1.stage) })
        where try store.advance(stage) {
            report.advanced.append(stage)
        }
        QueueMetrics.completed.increment(by: report.completed.count)
        if !report.lost.isEmpty { QueueMetrics.leaseLost.increment(by: report.lost.count) }
        return report
    }

    @discardableResult
    public func complete(_ lease: JobLease, result: String? = nil) throws -> Bool {
        try !complete([Completion(lease: lease, result: result)]).completed.isEmpty
    }

    /// Records failed attempts (every one is kept in `job_errors`). Jobs missing from the
    /// result had lost their lease, and nothing was written for them.
    public func fail(_ failures: [Failure]) throws -> [Int64: FailureOutcome] {
        var outcomes: [Int64: FailureOutcome] = [:]
        for (worker, group) in Dictionary(grouping: failures, by: \.lease.worker) {
            let rows = try connection.jobsFail(worker: worker, jobs: group.map(\.lease.job), attempts: group.map(\.lease.attempt),
                                               kinds: group.map(\.kind.rawValue), messages: group.map(\.message))
            for row in rows {
                guard let state = JobState(rawValue: row.state) else {
                    throw DatabaseError.unexpectedResult(statement: "JobsFail", reason: "unknown job state \(row.state)")
                }
                outcomes[row.id] = FailureOutcome(state: state, retryIn: .seconds(max(row.retryIn ?? 0, 0)))
            }
        }
        QueueMetrics.failed.increment(by: outcomes.count)
        QueueMetrics.retried.increment(by: outcomes.values.filter { $0.state == .available }.count)
        QueueMetrics.deadLettered.increment(by: outcomes.values.filter { $0.state == .failed }.count)
        let lost = failures.count - outcomes.count
        if lost > 0 { QueueMetrics.leaseLost.increment(by: lost) }
        return outcomes
    }

    /// One failed attempt; nil if the lease was lost.
    public func fail(_ lease: JobLease, message: String, retryable: Bool = true) throws -> FailureOutcome? {
        try fail([Failure(lease: lease, kind: retryable ? .error : .permanent, message: message)])[lease.job]
    }

    /// Hands unfinished jobs back at once with their attempt given back (graceful shutdown).
    /// Returns the jobs released; the others had lost their lease.
    public func release(_ leases: [JobLease]) throws -> Set<Int64> {
        var released = Set<Int64>()
        for (worker, group) in Dictionary(grouping: leases, by: \.worker) {
            for row in try connection.jobsRelease(worker: worker, jobs: group.map(\.job), attempts: group.map(\.attempt)) {
                released.insert(row.id)
            }
        }
        QueueMetrics.released.increment(by: released.count)
        return released
    }

    /// The worker stopped a job because its build was cancelled: records it as cancelled.
    @discardableResult
    public func acknowledgeCancel(_ lease: JobLease) throws -> Bool {
        !(try connection.jobCancelAcknowledge(worker: lease.worker, job: lease.job, attempt: lease.attempt).isEmpty)
    }
}
