/// Queue requests that cannot be carried out, in words an operator can act on.
public enum QueueError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownExperiment(Int64)
    case unknownBuild(Int64)
    case unknownStage(build: Int64, layer: String, stage: Int)
    /// Jobs cannot be added to a stage that has finished or a build that was cancelled.
    case stageClosed(build: Int64, layer: String, stage: Int, state: String)
    /// `cleanup` removed the build's outputs; it cannot run again.
    case buildCleanedUp(Int64)
    /// Retention removed the build's finished jobs; there is nothing left to run again.
    case buildHistoryPruned(Int64)
    case invalidPlan(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .unknownExperiment(let id): return "no experiment with id \(id)"
        case .unknownBuild(let id): return "no build with id \(id)"
        case .unknownStage(let build, let layer, let stage): return "build \(build) has no stage \(stage) in layer \(layer)"
        case .stageClosed(let build, let layer, let stage, let state):
            return "stage \(stage) of layer \(layer) in build \(build) is \(state); no jobs can be added to it"
        case .buildCleanedUp(let id): return "build \(id) was cleaned up (its outputs were removed)"
        case .buildHistoryPruned(let id): return "the history of build \(id) was pruned (it finished before the retention age)"
        case .invalidPlan(let reason): return "invalid build plan: \(reason)"
        case .invalidArgument(let reason): return "invalid argument: \(reason)"
        }
    }
}
