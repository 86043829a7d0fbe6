import Foundation
import IlluminatiPyramid

/// Where a build's files live on the shared storage. Every node mounts the storage where it
/// likes (`--storage`, `ILLUMINATI_STORAGE`); paths below the root are the same everywhere.
/// `illuminati pyramid` lays out its output folder as `<root>/<experiment>` is laid out.
///
///     <root>/<experiment>/<layer>.dzi, <layer>_files/…, <layer>.json   DeepZoom output
///     <root>/<experiment>/<layer>_intermediate/…                      lossless tiles between stages
///     <root>/<experiment>/illumstats/<channel>.illumstats              merged statistics
///     <root>/<experiment>/illumstats/partial/<channel>/<part>.illumstats
public struct BuildStorage: Hashable, Sendable {
    /// Every file of the build lies below this folder.
    public let experimentDirectory: String

    public init(root: String, experiment: String) {
        let root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        experimentDirectory = "\(root)/\(experiment)"
    }

    /// `illuminati pyramid` writes into the folder it is given: the same layout below it.
    public init(experimentDirectory: String) {
        let directory = experimentDirectory
        self.experimentDirectory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    }

    public var pyramids: PyramidStorage { PyramidStorage(root: experimentDirectory) }
    public var statisticsDirectory: String { "\(experimentDirectory)/illumstats" }

    public func statisticsPath(channel: String) -> String { "\(statisticsDirectory)/\(channel).illumstats" }

    public func partialStatisticsDirectory(channel: String) -> String { "\(statisticsDirectory)/partial/\(channel)" }

    public func partialStatisticsPath(channel: String, part: Int) -> String {
        "\(partialStatisticsDirectory(channel: channel))/\(String(format: "%05d", part)).illumstats"
    }
}
