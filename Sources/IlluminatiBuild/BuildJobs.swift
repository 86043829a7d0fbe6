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
