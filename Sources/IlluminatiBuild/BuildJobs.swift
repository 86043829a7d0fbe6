import IlluminatiPyramid

/// The kinds of job a build runs, and their payloads (JSON).
public enum BuildJobKind {
    /// Partial illumination statistics of a batch of a channel's images.
    public static let statisticsPartial = "illumstats-partial"
    /// Merges a channel's partials into its statistics file.
    public static let statisticsMerge = "illumstats-merge"
    /// Tiles of one block of one zoom level, and the levels below it (`PyramidJob`).
    public static let pyramid = "pyramid"
    /// A layer's `.dzi`, blank tile and descriptor, once all its tiles exist.
    public static let layerFinish = "layer-finish"

    public static let all = [statisticsPartial, statisticsMerge, pyramid, layerFinish]
}

public struct StatisticsPartialJob: Hashable, Sendable, Codable {
    public var channel: String
    public var part: Int
    public var paths: [String]
}

public struct StatisticsMergeJob: Hashable, Sendable, Codable {
    public var channel: String
    public var parts: Int
}

public struct LayerFinishJob: Hashable, Sendable, Codable {
    public var layer: String
}

/// One job of a build, typed: what the planner makes and what the handlers run, whether it
/// travels through the queue (as `kind` and `payload()`) or stays in the process.
public enum BuildJob: Hashable, Sendable {
    case statisticsPartial(StatisticsPartialJob)
    case statisticsMerge(StatisticsMergeJob)
    case pyramid(PyramidJob)
    case layerFinish(LayerFinishJob)

    public var kind: String {
        switch self {
        case .statisticsPartial: BuildJobKind.statisticsPartial
        case .statisticsMerge: BuildJobKind.statisticsMerge
        case .pyramid: BuildJobKind.pyramid
        case .layerFinish: BuildJobKind.layerFinish
        }
    }

    public func payload() throws -> String {
        switch self {
        case .statisticsPartial(let job): try JSONPayload.encode(job)
        case .statisticsMerge(let job): try JSONPayload.encode(job)
        case .pyramid(let job): try JSONPayload.encode(job)
        case .layerFinish(let job): try JSONPayload.encode(job)
        }
    }

    /// The job a queue row holds.
    public init(kind: String, payload: String) throws {
        switch kind {
        case BuildJobKind.statisticsPartial:
            self = .statisticsPartial(try JSONPayload.decode(StatisticsPartialJob.self, from: payload, kind: kind))
        case BuildJobKind.statisticsMerge:
            self = .statisticsMerge(try JSONPayload.decode(StatisticsMergeJob.self, from: payload, kind: kind))
        case BuildJobKind.pyramid:
            self = .pyramid(try JSONPayload.decode(PyramidJob.self, from: payload, kind: kind))
        case BuildJobKind.layerFinish:
            self = .layerFinish(try JSONPayload.decode(LayerFinishJob.self, from: payload, kind: kind))
        default:
            throw BuildError.badPayload(kind: kind, reason: "this worker does not know the job kind")
        }
    }
}
