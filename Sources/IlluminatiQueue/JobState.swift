/// States of a live job (`jobs.state`). Succeeded and cancelled jobs are no longer live: they
/// are rows of `job_history`.
public enum JobState: String, Sendable, CaseIterable {
    /// Its level has not been released yet.
    case waiting
    /// Claimable from its `run_at` on.
    case available
    /// Its build is paused (or cancelled and about to be purged).
    case held
    /// Leased by a worker.
    case running
    /// Dead letter: holds its level's barrier until retried or cancelled.
    case failed
}

/// One level of one layer of a build: the unit of the barrier.
public struct LevelKey: Hashable, Sendable, CustomStringConvertible {
    public var build: Int64
    public var layer: String
    public var level: Int

    public init(build: Int64, layer: String, level: Int) {
        self.build = build
        self.layer = layer
        self.level = level
    }

    public var description: String { "build \(build) layer \(layer) level \(level)" }
}
