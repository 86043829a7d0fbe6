import IlluminatiCore

/// What an operator named (`illuminati retry`, the queue dashboard) is not there. Bad input:
/// the command line exits 2, the server answers 404.
public enum QueueControlError: Error, Sendable, Equatable, CustomStringConvertible, ClassifiedError {
    case noBuild(experiment: String)
    case unknownBuild(Int64, experiment: String)
    case unknownJob(Int64, build: Int64)
    /// No stage of the build has this index and/or lies in this layer.
    case unknownStage(build: Int64, stage: Int?, layer: String?)

    public var errorClass: ErrorClass { .badInput }

    public var description: String {
        switch self {
        case .noBuild(let experiment):
            return "experiment \(experiment) has no build (illuminati init \(experiment))"
        case .unknownBuild(let build, let experiment):
            return "experiment \(experiment) has no build \(build)"
        case .unknownJob(let job, let build):
            return "build \(build) has no job \(job)"
        case .unknownStage(let build, let stage, let layer):
            let named = [stage.map { "stage \($0)" }, layer.map { "layer \($0)" }].compactMap { $0 }.joined(separator: " in ")
            return "build \(build) has no \(named)"
        }
    }
}
