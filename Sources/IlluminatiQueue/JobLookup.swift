import IlluminatiDatabase

/// A job as `illuminati info` and `run --job` see it, live or finished.
public struct JobRecord: Sendable, Equatable {
    public var id: Int64
    public var level: LevelKey
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
        guard let row = try connection.run(QueueSQL.named("JobLookup"), [id]).rows.first else { return nil }
        return JobRecord(
            id: try row.int64("id"),
            level: LevelKey(build: try row.int64("build_id"), layer: try row.string("layer"), level: try row.int("level")),
            kind: try row.string("kind"), payload: try row.string("payload"), state: try row.string("state"),
            attempt: try row.int("attempt"), maxAttempts: try row.int("max_attempts"),
            enqueuedAt: try row.string("enqueued_at"), startedAt: try row.optionalString("started_at"),
            finishedAt: try row.optionalString("finished_at"), result: try row.optionalString("result"),
            lastError: try row.optionalString("last_error"))
    }
}
