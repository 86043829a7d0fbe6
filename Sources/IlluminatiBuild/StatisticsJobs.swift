import Foundation
import IlluminatiImaging
import IlluminatiStorage

/// The distributed illumination-statistics step: partial sums per batch of images, merged
/// (Chan's parallel update, exact up to rounding) by one job per channel.
enum StatisticsJobs {
    struct Outcome: Codable {
        var images: Int
    }

    static func partial(_ job: StatisticsPartialJob, descriptor: BuildDescriptor, storage: ExperimentStorage) throws -> Outcome {
        let expectation = ImageExpectation(width: descriptor.siteSize.width, height: descriptor.siteSize.height,
                                           bitDepth: descriptor.bitDepth)
        var statistics = IlluminationStatistics(width: descriptor.siteSize.width, height: descriptor.siteSize.height)
        for path in job.paths {
            try statistics.add(try ImageFiles.read(path, expecting: expectation))
        }
        try write(statistics, channel: job.channel, to: ExperimentLayout.partialStatistics(channel: job.channel, part: job.part),
                  storage: storage)
        return Outcome(images: statistics.count)
    }

    static func merge(_ job: StatisticsMergeJob, storage: ExperimentStorage) throws -> Outcome {
        var total: IlluminationStatistics?
        for part in 0..<job.parts {
            let (channel, partial) = try IlluminationStatisticsFile.read(storage.partialStatisticsPath(channel: job.channel, part: part))
            guard channel == job.channel else {
                throw BuildError.badPayload(kind: StatisticsMergeJob.kind, reason: "partial \(part) is of channel \(channel)")
            }
            if total == nil { total = partial } else { try total!.merge(partial) }
        }
        guard let total else {
            throw BuildError.missingStatistics(channel: job.channel,
                                               path: storage.path(ExperimentLayout.partialStatisticsFolder(channel: job.channel)))
        }
        try write(total, channel: job.channel, to: ExperimentLayout.statistics(channel: job.channel), storage: storage)
        return Outcome(images: total.count)
    }

    private static func write(_ statistics: IlluminationStatistics, channel: String, to relative: String,
                              storage: ExperimentStorage) throws {
        try storage.writeAtomically(relative) { file in
            try IlluminationStatisticsFile.write(statistics, channel: channel, into: file, path: storage.path(relative))
        }
    }
}
