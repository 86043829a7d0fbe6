import Foundation
import IlluminatiCore
import IlluminatiImaging
import Logging

/// `pyramid --illumcorr-stats`: statistics files, or folders of `*.illumstats` files, given
/// instead of computed; each file's header says its channel.
enum GivenStatistics {
    /// Channel → file for each of `channels`; every one of them must have exactly one file
    /// of the sites' size (files of other channels are ignored).
    static func resolve(_ inputs: [String], channels: [String], siteSize: PixelSize,
                        logger: Logger) throws -> [String: String] {
        var files: [String: String] = [:]
        for file in try statisticsFiles(inputs) {
            let summary = try IlluminationStatisticsFile.readSummary(file)
            guard channels.contains(summary.channel) else { continue }
            if let earlier = files[summary.channel] {
                throw BuildError.invalidOption("two statistics files for channel \(summary.channel): \(earlier) and \(file)")
            }
            guard summary.width == siteSize.width, summary.height == siteSize.height else {
                throw BuildError.invalidOption("illumination correction of channel \(summary.channel): \(file) is for "
                    + "\(summary.height)×\(summary.width) images, the sites are \(siteSize)")
            }
            if summary.count < 2 {
                logger.warning("illumination statistics of channel \(summary.channel) come from \(summary.count) image(s); it is not corrected")
            }
            files[summary.channel] = file
        }
        for channel in channels where files[channel] == nil {
            throw BuildError.invalidOption("illumination correction of channel \(channel): none of the statistics files is for this channel")
        }
        return files
    }

    private static func statisticsFiles(_ inputs: [String]) throws -> [String] {
        var files: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw BuildError.invalidOption("illumination statistics \(input): no such file or folder")
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
                files += names.filter { $0.hasSuffix("." + IlluminationStatisticsFile.fileExtension) }.sorted().map { input + "/" + $0 }
            } else {
                files.append(input)
            }
        }
        return files
    }
}
