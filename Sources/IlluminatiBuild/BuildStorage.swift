import Foundation
import IlluminatiPyramid

/// Where a build's files live on the shared storage. Every node mounts the storage where it
/// likes (`--storage`, `ILLUMINATI_STORAGE`); paths below the root are the same everywhere.
///
///     <root>/<experiment>/<layer>.dzi, <layer>_files/…, <layer>.json   DeepZoom output
///     <root>/<experiment>/<layer>_intermediate/…                      lossless tiles between stages
///     <root>/<experiment>/illumstats/<channel>.illumstats              merged statistics
///     <root>/<experiment>/illumstats/partial/<channel>/<part>.illumstats
public struct BuildStorage: Hashable, Sendable {
    public let root: String
    public let experiment: String

    public init(root: String, experiment: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.experiment = experiment
    }

    public var experimentDirectory: String { "\(root)/\(experiment)" }
    public var pyramids: PyramidStorage { PyramidStorage(root: experimentDirectory) }
    public var statisticsDirectory: String { "\(experimentDirectory)/illumstats" }

    public func statisticsPath(channel: String) -> String { "\(statisticsDirectory)/\(channel).illumstats" }

    public func partialStatisticsDirectory(channel: String) -> String { "\(statisticsDirectory)/partial/\(channel)" }

    public func partialStatisticsPath(channel: String, part: Int) -> String {
        "\(partialStatisticsDirectory(channel: channel))/\(String(format: "%05d", part)).illumstats"
    }
}
