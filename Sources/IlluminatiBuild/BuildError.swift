import IlluminatiCore

/// Problems planning or running a build that the user can act on.
public enum BuildError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidOption(String)
    case noBuild(experiment: String)
    case buildStarted(experiment: String, build: Int64)
    /// `cleanup` removed the build's outputs; only a new build (init) makes them again.
    case cleanedUp(experiment: String, build: Int64)
    case badPayload(kind: String, reason: String)
    case missingStatistics(channel: String, path: String)
    /// A layer's intensity window cannot be decided (an empty window, an unreadable image).
    case intensityWindow(layer: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOption(let message):
            return message
        case .noBuild(let experiment):
            return "experiment \(experiment) has no build; run `illuminati init \(experiment)` first"
        case .buildStarted(let experiment, let build):
            return "build \(build) of \(experiment) has already started; continue it with `illuminati submit \(experiment)`, "
                + "or remove its output with `illuminati cleanup \(experiment)` and then run init again"
        case .cleanedUp(let experiment, let build):
            return "build \(build) of \(experiment) was cleaned up (its pyramids and map objects were removed); "
                + "plan a new build with `illuminati init \(experiment)`, then run `illuminati submit \(experiment)`"
        case .badPayload(let kind, let reason):
            return "a \(kind) job's payload cannot be read: \(reason)"
        case .missingStatistics(let channel, let path):
            return "illumination statistics of channel \(channel) are missing (\(path))"
        case .intensityWindow(let layer, let reason):
            return "layer \(layer): \(reason)"
        }
    }
}

extension BuildError: ClassifiedError {
    public var errorClass: ErrorClass { .badInput }
}
