/// States of a live job (`jobs.state`). Succeeded and cancelled jobs are no longer live: they
/// are rows of `job_history`.
public enum JobState: String, Sendable, CaseIterable {
    /// Its stage has not been released yet.
    case waiting
    /// Claimable from its `run_at` on.
    case available
    /// Its build is paused (or cancelled and about to be purged).
    case held
    /// Leased by a worker.
    case running
    /// Dead letter: holds its stage's barrier until retried or cancelled.
    case failed
}

/// One stage of one layer of a build: the unit of the barrier.
public struct StageKey: Hashable, Sendable, CustomStringConvertible {
    public var build: Int64
    public var layer: String
    public var stage: Int

    public init(build: Int64, layer: String, stage: Int) {
        self.build = build
        self.layer = layer
        self.stage = stage
    }

    public var description: String { "build \(build) layer \(layer) stage \(stage)" }
}
