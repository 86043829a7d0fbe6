/// What fences a worker's writes: the job, the attempt the claim started (the fencing
/// token) and the worker that made it.
public struct JobLease: Hashable, Sendable, CustomStringConvertible {
    public var job: Int64
    public var attempt: Int
    public var worker: WorkerID

    public init(job: Int64, attempt: Int, worker: WorkerID) {
        self.job = job
        self.attempt = attempt
        self.worker = worker
    }

    public var description: String { "job \(job) attempt \(attempt)" }
}

/// A job leased to this worker by `claim`.
public struct ClaimedJob: Sendable {
    public var lease: JobLease
    public var kind: String
    /// JSON text, as planned.
    public var payload: String
    public var stage: StageKey
    public var maxAttempts: Int
    /// The runtime limit, measured from the claim.
    public var runtimeLimit: Duration
    /// When this process stops the job (the database's deadline is the same limit counted
    /// from the claim statement, so it is never later than this one).
    public var deadline: ContinuousClock.Instant

    public var id: Int64 { lease.job }
    public var attempt: Int { lease.attempt }
    /// Whether a failure of this attempt dead-letters the job.
    public var isLastAttempt: Bool { attempt >= maxAttempts }
}

/// A finished job to record.
public struct Completion: Sendable {
    public var lease: JobLease
    /// JSON text kept in the history (e.g. the object written and its checksum); nil: none.
    public var result: String?

    public init(lease: JobLease, result: String? = nil) {
        self.lease = lease
        self.result = result
    }
}

public struct CompletionReport: Sendable {
    /// Jobs recorded as succeeded.
    public var completed: Set<Int64>
    /// Leases that were lost (reaped, cancelled, claimed again): their results were dropped.
    public var lost: [JobLease]
    /// Stages that this call found drained and advanced (released the next stage).
    public var advanced: [StageKey]
}

/// Why an attempt failed. `error` is retried with backoff until attempts run out;
/// `permanent` is dead-lettered at once; `deadline` is an error raised by the runtime limit.
public enum FailureKind: String, Sendable {
    case error, permanent, deadline
}

public struct Failure: Sendable {
    public var lease: JobLease
    public var kind: FailureKind
    public var message: String

    public init(lease: JobLease, kind: FailureKind, message: String) {
        self.lease = lease
        self.kind = kind
        self.message = message
    }
}

public struct FailureOutcome: Sendable, Equatable {
    /// `available` (will be retried), `failed` (dead letter) or `held` (build paused/cancelled).
    public var state: JobState
    /// When it becomes claimable again (relative to now).
    public var retryIn: Duration
}
