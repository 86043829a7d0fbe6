import Foundation
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiQueue
import Logging

/// Runs the jobs of builds in a worker process: reads each build's descriptor once, keeps one
/// render context (and so one bounded image cache) per build, and maps failures onto the
/// queue's retry rules: a bad input file is dead-lettered at once with its path, anything
/// else (a full disk, a lost mount) is retried.
public final class BuildJobRunner: @unchecked Sendable {
    public let storageRoot: String
    let conninfo: String
    let cacheBytes: Int
    let logger: Logger
    private let lock = NSLock()
    private var descriptors: [Int64: BuildDescriptor] = [:]
    private var contexts: [ContextKey: RenderContext] = [:]
    private let cache: ImageCache<String, GrayImage>

    /// A layer can start once its own channel's statistics exist, before other channels'
    /// do; so a context carries the correction of one channel, and all share one cache.
    private struct ContextKey: Hashable {
        var build: Int64
        var channel: String
    }
    private var connection: DatabaseConnection?

    public init(storageRoot: String, conninfo: String, cacheBytes: Int = 128 << 20,
                logger: Logger = Logger(label: "illuminati.worker.jobs")) {
        self.storageRoot = storageRoot
        self.conninfo = conninfo
        self.cacheBytes = cacheBytes
        self.logger = logger
        self.cache = ImageCache(capacityBytes: cacheBytes)
    }

    /// One handler per job kind, for `QueueWorker`.
    public var handlers: [String: JobHandler] {
        var handlers: [String: JobHandler] = [:]
        for kind in BuildJobKind.all {
            handlers[kind] = { [self] job, context in try self.run(job, context) }
        }
        return handlers
    }

    /// Runs one job in the calling thread; returns the JSON result kept in the history.
    public func run(_ job: ClaimedJob, _ context: JobContext? = nil) throws -> String? {
        do {
            return try runUnclassified(job)
        } catch let error as ImageFileError {
            throw PermanentJobError(error.description)
        } catch let error as BuildError {
            throw PermanentJobError(error.description)
        } catch let error as PyramidError {
            switch error {
            case .write, .intermediate: throw error
            default: throw PermanentJobError(error.description)
            }
        }
    }

    private func runUnclassified(_ job: ClaimedJob) throws -> String? {
        let build = job.level.build
        let descriptor = try self.descriptor(build)
        let storage = BuildStorage(root: storageRoot, experiment: descriptor.experiment)
        switch job.kind {
        case BuildJobKind.statisticsPartial:
            let work = try JSONPayload.decode(StatisticsPartialJob.self, from: job.payload, kind: job.kind)
            return try JSONPayload.encode(StatisticsJobs.partial(work, descriptor: descriptor, storage: storage))
        case BuildJobKind.statisticsMerge:
            let work = try JSONPayload.decode(StatisticsMergeJob.self, from: job.payload, kind: job.kind)
            return try JSONPayload.encode(StatisticsJobs.merge(work, storage: storage))
        case BuildJobKind.pyramid:
            let work = try JSONPayload.decode(PyramidJob.self, from: job.payload, kind: job.kind)
            guard let layer = descriptor.layer(work.layer) else {
                throw BuildError.badPayload(kind: job.kind, reason: "the build has no layer \(work.layer)")
            }
            let context = try renderContext(build, channel: layer.spec.channel, descriptor, storage)
            let result = try PyramidRenderer.render(work, context: context)
            return try JSONPayload.encode(result)
        case BuildJobKind.layerFinish:
            let work = try JSONPayload.decode(LayerFinishJob.self, from: job.payload, kind: job.kind)
            try LayerFinish.run(work, descriptor: descriptor, storage: storage)
            return nil
        default:
            throw BuildError.badPayload(kind: job.kind, reason: "this worker does not know the job kind")
        }
    }

    func descriptor(_ build: Int64) throws -> BuildDescriptor {
        if let known = lock.withLock({ descriptors[build] }) { return known }
        let params: String = try lock.withLock {
            if connection == nil { connection = try DatabaseConnection(conninfo: conninfo) }
            do {
                return try BuildStore(connection!).info(build).params
            } catch let error as DatabaseError where error.isConnectionProblem {
                connection = nil
                throw error
            }
        }
        let descriptor = try JSONPayload.decode(BuildDescriptor.self, from: params, kind: "build parameters")
        lock.withLock { descriptors[build] = descriptor }
        return descriptor
    }

    /// Built on the first pyramid job of a channel: by then its statistics exist, because
    /// the queue runs a layer only after the statistics layer it waits for.
    func renderContext(_ build: Int64, channel: String, _ descriptor: BuildDescriptor,
                       _ storage: BuildStorage) throws -> RenderContext {
        let key = ContextKey(build: build, channel: channel)
        if let context = lock.withLock({ contexts[key] }) { return context }
        var corrections: [String: IlluminationCorrection] = [:]
        if descriptor.correctedChannels.contains(channel) {
            let path = storage.statisticsPath(channel: channel)
            guard FileManager.default.fileExists(atPath: path) else {
                throw StatisticsNotReady(channel: channel, path: path)
            }
            let (_, statistics) = try IlluminationStatisticsFile.read(path)
            corrections[channel] = IlluminationCorrection(statistics: statistics, bands: 1)
        }
        let context = try RenderContext(
            layout: descriptor.layout, siteSize: descriptor.siteSize, bitDepth: descriptor.bitDepth,
            layers: descriptor.layers.filter { $0.spec.channel == channel }.map(\.spec), corrections: corrections,
            quality: descriptor.options.quality, storage: storage.pyramids, sharedCache: cache)
        return lock.withLock {
            if let existing = contexts[key] { return existing }
            contexts[key] = context
            return context
        }
    }
}

/// Statistics a job needs are not on the storage (yet): retried, since a lagging mount or a
/// merge job re-run may still bring them.
struct StatisticsNotReady: Error, CustomStringConvertible {
    var channel: String
    var path: String
    var description: String { "illumination statistics of channel \(channel) are missing (\(path))" }
}
