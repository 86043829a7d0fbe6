
/// A job as `illuminati info` and `run --job` see it, live or finished.
public struct JobRecord: Sendable, Equatable {
    public var id: Int64
    public var stage: StageKey
    public var kind: String
    /// JSON text, as planned.
    public var payload: String
    /// A live state (`waiting`, `available`, `running`, `failed`, …) or a final outcome
    /// (`succeeded`, `cancelled`).
    public var state: String
    public var attempt: Int
    public var maxAttempts: Int
    public var enqueuedAt: String
    public var startedAt: String?
    public var finishedAt: String?
    /// What the job reported when it succeeded (JSON text).
    public var result: String?
    public var lastError: String?
}

extension QueueInspector {
    /// The job with this id, or nil.
    public func job(_ id: Int64) throws -> JobRecord? {
        guard let row = try connection.jobLookup(job: id) else { return nil }
        return JobRecord(
            id: row.id, stage: StageKey(build: row.buildID, layer: row.layer, stage: row.stage), kind: row.kind,
            payload: row.payload, state: row.state, attempt: row.attempt, maxAttempts: row.maxAttempts,
            enqueuedAt: row.enqueuedAt, startedAt: row.startedAt, finishedAt: row.finishedAt, result: row.result,
            lastError: row.lastError)
    }
}
