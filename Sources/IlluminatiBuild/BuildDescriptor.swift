import IlluminatiCore
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiStorage

/// Everything a job needs to run, decided once when the build is planned and stored with the
/// build (its `params`; `illuminati pyramid` keeps it in memory): workers never re-derive
/// geometry or windows, so all of them render the same pixels whatever their version of the
/// experiment's rows.
public struct BuildDescriptor: Hashable, Sendable, Codable {
    public struct Layer: Hashable, Sendable, Codable {
        public var spec: LayerSpec
        public var cycle: Int
        public var tpoint: Int
        public var zplane: Int
    }

    public var experiment: String
    public var options: BuildOptions
    public var layout: PyramidLayout
    public var siteSize: PixelSize
    public var bitDepth: Int
    public var layers: [Layer]
    /// Channels corrected for illumination (statistics computed by the build).
    public var correctedChannels: [String]
    /// Channels corrected with statistics files the build was given instead (`pyramid
    /// --illumcorr-stats`), channel → path; absent from builds that were given none.
    public var statisticsFiles: [String: String]? = nil

    public func layer(_ name: String) -> Layer? { layers.first { $0.spec.name == name } }

    /// The statistics file that corrects `channel`; nil when the channel is not corrected.
    public func statisticsPath(channel: String, storage: ExperimentStorage) -> String? {
        if let file = statisticsFiles?[channel] { return file }
        return correctedChannels.contains(channel) ? storage.statisticsPath(channel: channel) : nil
    }
}

/// Queue layer names: pyramid layers carry the channel layer's name; statistics layers
/// are prefixed so they cannot collide with one.
public enum BuildLayerName {
    public static let statisticsPrefix = "illumstats:"

    public static func statistics(channel: String) -> String { statisticsPrefix + channel }

    public static func isStatistics(_ name: String) -> Bool { name.hasPrefix(statisticsPrefix) }
}
