import Foundation

/// Where a build's files lie, relative to its experiment's folder (`<root>/<experiment>`, or
/// the output folder of `illuminati pyramid`): the layers' files (`LayerLayout`) and the
/// illumination statistics.
///
///     illumstats/<channel>.illumstats                     merged statistics
///     illumstats/partial/<channel>/<part>.illumstats      partial sums, part as 5 digits
public enum ExperimentLayout {
    public static let statisticsFolder = "illumstats"

    public static func statistics(channel: String) -> String { "\(statisticsFolder)/\(channel).illumstats" }

    public static func partialStatisticsFolder(channel: String) -> String { "\(statisticsFolder)/partial/\(channel)" }

    public static func partialStatistics(channel: String, part: Int) -> String {
        "\(partialStatisticsFolder(channel: channel))/\(String(format: "%05d", part)).illumstats"
    }
}
