import IlluminatiPyramid
import IlluminatiQueue

/// Partial illumination statistics of a batch of a channel's images.
public struct StatisticsPartialJob: Hashable, JobArgs {
    public static let kind = "illumstats-partial"
    public var channel: String
    public var part: Int
    public var paths: [String]
}

/// Merges a channel's partials into its statistics file.
public struct StatisticsMergeJob: Hashable, JobArgs {
    public static let kind = "illumstats-merge"
    public var channel: String
    public var parts: Int
}

/// Tiles of one block of one zoom level, and the levels below it.
extension PyramidJob: JobArgs {
    public static let kind = "pyramid"
}

/// A layer's `.dzi`, blank tile and descriptor, once all its tiles exist.
public struct LayerFinishJob: Hashable, JobArgs {
    public static let kind = "layer-finish"
    public var layer: String
}

/// One job of a build, typed: what the planner makes and what the handlers run, whether it
/// travels through the queue (as its arguments' kind and payload) or stays in the process.
public enum BuildJob: Hashable, Sendable {
    case statisticsPartial(StatisticsPartialJob)
    case statisticsMerge(StatisticsMergeJob)
    case pyramid(PyramidJob)
    case layerFinish(LayerFinishJob)

    /// The kind of each case, in the order of the cases.
    static let kinds: [any BuildJobKind.Type] = [StatisticsPartialKind.self, StatisticsMergeKind.self, PyramidKind.self,
                                                 LayerFinishKind.self]
}
