/// The queue as operators read it, one shape for `illuminati jobs|workers --json` and the queue
/// dashboard's `/api/queue` (encoded with `QueueListing.encoder`'s snake_case keys; an optional
/// member is left out when it has no value): live jobs, builds, and the inspector's stages and
/// workers. docs/cli.md and the OpenAPI document describe these shapes: a member may be added,
/// none renamed or removed.

/// A live job or dead letter.
public struct ListedJob: Sendable, Equatable, Encodable {
    public struct Worker: Sendable, Equatable, Encodable {
        public var id: String
        /// Nil once the worker's row is gone (the reaper takes its job at its next sweep).
        public var host: String?
        public var pid: Int?
    }

    public var id: Int64
    public var layer: String
    public var stage: Int
    public var kind: String
    /// waiting, available, held, running or failed (a dead letter).
    public var state: String
    public var attempt: Int
    public var maxAttempts: Int
    /// When it becomes claimable (after a backoff, in the future).
    public var runAt: String
    /// Running jobs: who runs it, and for how long.
    public var worker: Worker?
    public var runtimeSeconds: Double?
    /// The last failed attempt's error (a dead letter always has one).
    public var lastError: String?
    /// The file that error names (`ErrorFile`).
    public var file: String?
}

/// A stage as `/api/queue` shows it: its counts, throughput and ETA (in seconds).
extension StageProgress: Encodable {
    enum CodingKeys: String, CodingKey {
        case layer, stage, state, total, succeeded, cancelled, waiting, available, held, running, failed, jobsPerSecond, etaSeconds
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(layer, forKey: .layer); try c.encode(stage, forKey: .stage); try c.encode(state, forKey: .state)
        try c.encode(total, forKey: .total); try c.encode(succeeded, forKey: .succeeded); try c.encode(cancelled, forKey: .cancelled)
        try c.encode(waiting, forKey: .waiting); try c.encode(available, forKey: .available); try c.encode(held, forKey: .held)
        try c.encode(running, forKey: .running); try c.encode(failed, forKey: .failed)
        try c.encode(jobsPerSecond, forKey: .jobsPerSecond); try c.encodeIfPresent(eta?.inSeconds, forKey: .etaSeconds)
    }
}

/// A worker as `illuminati workers --json` and `/api/queue` show it.
extension WorkerStatus: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, host, pid, alive, state, runningJobs, concurrency, kinds, cores, memoryMb, version, heartbeatAgeSeconds
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(hostname, forKey: .host); try c.encode(pid, forKey: .pid)
        try c.encode(alive, forKey: .alive); try c.encode(state, forKey: .state); try c.encode(runningJobs, forKey: .runningJobs)
        try c.encode(concurrency, forKey: .concurrency); try c.encode(kinds, forKey: .kinds); try c.encode(version, forKey: .version)
        try c.encode(cores, forKey: .cores); try c.encode(memoryMB, forKey: .memoryMb)
        try c.encode(heartbeatAge.inSeconds, forKey: .heartbeatAgeSeconds)
    }
}

public struct ListedBuild: Sendable, Equatable, Encodable {
    public var id: Int64
    public var experimentID: Int64
    public var experiment: String
    /// planned, running, paused, succeeded or cancelled.
    public var state: String
    public var createdAt: String
    public var startedAt: String?
    public var finishedAt: String?
    public var stages: [StageProgress]
    public var running: [ListedJob]
    /// Dead letters, with their errors.
    public var failed: [ListedJob]
}

/// `/api/queue`: every live build and the last few finished ones, and the workers.
public struct QueueOverview: Sendable, Equatable, Encodable {
    public var builds: [ListedBuild]
    public var workers: [WorkerStatus]
}
