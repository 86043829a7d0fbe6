import Foundation
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiStorage

/// What a job did, as `illuminati pyramid` sums it.
public enum BuildJobOutcome: Sendable {
    case statistics(images: Int)
    case pyramid(PyramidJobResult)
    case layerFinished
}

/// What the jobs of one build run with, handed to each kind's handler (`BuildJobKind`) by both
/// executors. Everything a job needs comes in as values (the descriptor, where the files go, a
/// render context per channel), so a worker (descriptor from the database) and `illuminati
/// pyramid` (descriptor in memory) run the same code on the same inputs.
public struct BuildJobHandlers: Sendable {
    public var descriptor: BuildDescriptor
    public var storage: ExperimentStorage
    /// The render context of a channel; asked for by pyramid jobs only, so once the channel's
    /// statistics exist.
    public var renderContext: @Sendable (String) throws -> RenderContext
    /// `pyramid --keep-intermediate`: a layer's finish leaves its lossless intermediates.
    public var keepsIntermediates = false

    public init(descriptor: BuildDescriptor, storage: ExperimentStorage, keepsIntermediates: Bool = false,
                renderContext: @escaping @Sendable (String) throws -> RenderContext) {
        self.descriptor = descriptor
        self.storage = storage
        self.keepsIntermediates = keepsIntermediates
        self.renderContext = renderContext
    }

    /// Runs a job of the plan with its kind's handler, as a worker does.
    public func run(_ job: BuildJob) throws -> BuildJobOutcome {
        switch job {
        case .statisticsPartial(let args):
            return .statistics(images: try StatisticsPartialKind.run(args, in: self)?.images ?? 0)
        case .statisticsMerge(let args):
            return .statistics(images: try StatisticsMergeKind.run(args, in: self)?.images ?? 0)
        case .pyramid(let args):
            return .pyramid(try PyramidKind.run(args, in: self) ?? PyramidJobResult())
        case .layerFinish(let args):
            _ = try LayerFinishKind.run(args, in: self)
            return .layerFinished
        }
    }

    /// A channel's render context: its layers and, when it is corrected, the correction from
    /// its statistics file. `bands` threads smooth the statistics (same maps for any number).
    public static func makeRenderContext(channel: String, descriptor: BuildDescriptor, storage: ExperimentStorage,
                                         cache: ImageCache<String, GrayImage>, bands: Int) throws -> RenderContext {
        var corrections: [String: IlluminationCorrection] = [:]
        if let path = descriptor.statisticsPath(channel: channel, storage: storage) {
            guard FileManager.default.fileExists(atPath: path) else {
                throw StatisticsNotReady(channel: channel, path: path)
            }
            let (_, statistics) = try IlluminationStatisticsFile.read(path)
            corrections[channel] = IlluminationCorrection(statistics: statistics, bands: bands)
        }
        return try RenderContext(
            layout: descriptor.layout, siteSize: descriptor.siteSize, bitDepth: descriptor.bitDepth,
            layers: descriptor.layers.filter { $0.spec.channel == channel }.map(\.spec), corrections: corrections,
            quality: descriptor.options.quality, store: storage.pyramids, sharedCache: cache)
    }
}

/// Statistics a job needs are not on the storage (yet): retried, since a lagging mount or a
/// merge job re-run may still bring them.
struct StatisticsNotReady: Error, CustomStringConvertible {
    var channel: String
    var path: String
    var description: String { "illumination statistics of channel \(channel) are missing (\(path))" }
}
