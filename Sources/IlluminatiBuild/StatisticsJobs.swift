import Foundation
import IlluminatiImaging

/// The distributed illumination-statistics step: partial sums per batch of images, merged
/// (Chan's parallel update, exact up to rounding) by one job per channel.
enum StatisticsJobs {
    struct Outcome: Codable {
        var images: Int
    }

    static func partial(_ job: StatisticsPartialJob, descriptor: BuildDescriptor, storage: BuildStorage) throws -> Outcome {
        let expectation = ImageExpectation(width: descriptor.siteSize.width, height: descriptor.siteSize.height,
                                           bitDepth: descriptor.bitDepth)
        var statistics = IlluminationStatistics(width: descriptor.siteSize.width, height: descriptor.siteSize.height)
        for path in job.paths {
            try statistics.add(try ImageFiles.read(path, expecting: expectation))
        }
        try makeDirectory(storage.partialStatisticsDirectory(channel: job.channel))
        try IlluminationStatisticsFile.write(statistics, channel: job.channel,
                                             to: storage.partialStatisticsPath(channel: job.channel, part: job.part))
        return Outcome(images: statistics.count)
    }

    static func merge(_ job: StatisticsMergeJob, storage: BuildStorage) throws -> Outcome {
        var total: IlluminationStatistics?
        for part in 0..<job.parts {
            let (channel, partial) = try IlluminationStatisticsFile.read(storage.partialStatisticsPath(channel: job.channel, part: part))
            guard channel == job.channel else {
                throw BuildError.badPayload(kind: BuildJobKind.statisticsMerge, reason: "partial \(part) is of channel \(channel)")
            }
            if total == nil { total = partial } else { try total!.merge(partial) }
        }
        guard let total else { throw BuildError.missingStatistics(channel: job.channel, path: storage.partialStatisticsDirectory(channel: job.channel)) }
        try IlluminationStatisticsFile.write(total, channel: job.channel, to: storage.statisticsPath(channel: job.channel))
        return Outcome(images: total.count)
    }

    static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw PyramidWriteError(path: path, reason: error.localizedDescription)
        }
    }
}

/// A folder on the shared storage cannot be made (retried: the storage may come back).
struct PyramidWriteError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "\(path): \(reason)" }
}
