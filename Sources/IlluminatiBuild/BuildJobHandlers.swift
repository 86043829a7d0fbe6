import Foundation
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiStorage

/// What a job did: recorded as JSON in the queue's history, summed by `illuminati pyramid`.
public enum BuildJobOutcome: Sendable {
    case statistics(images: Int)
    case pyramid(PyramidJobResult)
    case layerFinished

    /// The JSON a worker records (`illuminati log` shows it).
    public func json() throws -> String? {
        switch self {
        case .statistics(let images): try JSONPayload.encode(StatisticsJobs.Outcome(images: images))
        case .pyramid(let result): try JSONPayload.encode(result)
        case .layerFinished: nil
        }
    }
}

/// Runs any job of one build: the code both executors share. Everything a job needs comes in
/// as values (the descriptor, where the files go, a render context per channel), so a worker
/// (descriptor from the database) and `illuminati pyramid` (descriptor in memory) run the
/// same code on the same inputs.
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

    public func run(_ job: BuildJob) throws -> BuildJobOutcome {
        switch job {
        case .statisticsPartial(let work):
            return .statistics(images: try StatisticsJobs.partial(work, descriptor: descriptor, storage: storage).images)
        case .statisticsMerge(let work):
            return .statistics(images: try StatisticsJobs.merge(work, storage: storage).images)
        case .pyramid(let work):
            guard let layer = descriptor.layer(work.layer) else {
                throw BuildError.badPayload(kind: job.kind, reason: "the build has no layer \(work.layer)")
            }
            return .pyramid(try PyramidRenderer.render(work, context: try renderContext(layer.spec.channel)))
        case .layerFinish(let work):
            try LayerFinish.run(work, descriptor: descriptor, storage: storage, keepIntermediates: keepsIntermediates)
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
