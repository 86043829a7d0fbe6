/// The queue as operators read it, one shape for `illuminati jobs|workers --json` and the queue
/// dashboard's `/api/queue` (encoded with `QueueListing.encoder`'s snake_case keys; an optional
/// member is left out when it has no value). docs/cli.md and the OpenAPI document describe
/// these shapes: a member may be added, none renamed or removed.

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

public struct ListedStage: Sendable, Equatable, Encodable {
    public var layer: String
    public var stage: Int
    /// waiting, running, succeeded or cancelled.
    public var state: String
    public var total: Int
    public var succeeded: Int
    public var cancelled: Int
    public var waiting: Int
    public var available: Int
    public var held: Int
    public var running: Int
    public var failed: Int
    /// Over the last 5 minutes.
    public var jobsPerSecond: Double
    public var etaSeconds: Double?
}

public struct ListedWorker: Sendable, Equatable, Encodable {
    public var id: String
    public var host: String
    public var pid: Int
    /// Heard from within its lease.
    public var alive: Bool
    /// active or draining.
    public var state: String
    public var runningJobs: Int
    public var concurrency: Int
    /// The job kinds it claims.
    public var kinds: [String]
    public var version: String
    public var heartbeatAgeSeconds: Double
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
    public var stages: [ListedStage]
    public var running: [ListedJob]
    /// Dead letters, with their errors.
    public var failed: [ListedJob]
}

/// `/api/queue`: every live build and the last few finished ones, and the workers.
public struct QueueOverview: Sendable, Equatable, Encodable {
    public var builds: [ListedBuild]
    public var workers: [ListedWorker]
}
