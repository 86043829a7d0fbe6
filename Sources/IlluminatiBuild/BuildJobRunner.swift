import Foundation
import IlluminatiCore
import IlluminatiImaging
import IlluminatiPostgres
import IlluminatiPyramid
import IlluminatiQueue
import IlluminatiStorage
import Logging

/// Runs the jobs of builds in a worker process: reads each build's descriptor once, keeps one
/// render context per build and channel (all sharing one bounded image cache), and maps
/// failures onto the queue's retry rules: a bad input file is dead-lettered at once with its
/// path, anything else (a full disk, a lost mount) is retried.
///
/// A worker runs build after build, so what it keeps per build is bounded by bytes too and
/// the least recently used goes first: render contexts (mostly correction maps, 8 MiB per
/// corrected channel of 1024² images) by `contextCacheBytes`, descriptors (their site lists)
/// by `descriptorCacheBytes`. An evicted build that still has jobs is read again.
public final class BuildJobRunner: @unchecked Sendable {
    public let storageRoot: String
    let conninfo: String
    let cacheBytes: Int
    let logger: Logger
    private let lock = NSLock()
    private let descriptors: ImageCache<Int64, CachedDescriptor>
    private let contexts: ImageCache<ContextKey, RenderContext>
    private let cache: ImageCache<String, GrayImage>

    public static let descriptorCacheBytes = 32 << 20

    /// A layer can start once its own channel's statistics exist, before other channels'
    /// do; so a context carries the correction of one channel, and all share one cache.
    private struct ContextKey: Hashable, Sendable {
        var build: Int64
        var channel: String
    }

    /// The descriptor with the size of the JSON it came from, about what it takes decoded.
    private struct CachedDescriptor: Sendable {
        var descriptor: BuildDescriptor
        var bytes: Int
    }
    /// For descriptors: a read, so it is run again when a restart of PostgreSQL broke the
    /// connection; a database that stays away fails the job, which the queue retries.
    private let database: ReconnectingConnection

    public init(storageRoot: String, conninfo: String, cacheBytes: Int = 128 << 20, contextCacheBytes: Int = 64 << 20,
                logger: Logger = Logger(label: "illuminati.worker.jobs")) {
        self.storageRoot = storageRoot
        self.conninfo = conninfo
        self.cacheBytes = cacheBytes
        self.logger = logger
        self.cache = ImageCache(capacityBytes: cacheBytes)
        self.contexts = ImageCache(capacityBytes: contextCacheBytes)
        self.descriptors = ImageCache(capacityBytes: Self.descriptorCacheBytes)
        self.database = ReconnectingConnection(conninfo: conninfo, retry: .singleAttempt, logger: logger)
        // A worker decodes one site after another into buffers of the same few sizes; without
        // this, glibc returned their pages between jobs and a PNG build spent a fifth of its
        // CPU time in page faults (docs/performance.md).
        AllocatorTuning.keepLargeBuffersMapped()
    }

    /// Opens the connection that build descriptors are read with now, in the background, so
    /// that a worker's first job does not wait for it; a failure is left to that job.
    public func connectAhead() {
        Thread.detachNewThread { [self] in
            lock.withLock { _ = try? database.connect() }
        }
    }

    /// The build's job kinds, for `QueueWorker`.
    public var kinds: JobKinds {
        JobKinds(BuildJob.kinds.map { worker(of: $0) })
    }

    private func worker<Kind: BuildJobKind>(of _: Kind.Type) -> any JobKind {
        BuildWorkerKind<Kind>(runner: self)
    }

    /// Runs a claimed job's work; returns what the history keeps: what it did, where, and
    /// how long it took (`illuminati log` shows it).
    func report<Outcome>(_ job: ClaimedJob, _ work: (BuildJobHandlers) throws -> Outcome?) throws -> JobReport<Outcome> {
        let started = ContinuousClock.now
        let outcome = try classified { try work(try handlers(job.stage.build)) }
        let seconds = (ContinuousClock.now - started).inSeconds
        // The statistics' large arrays are not needed by the rendering that follows; as kept
        // buffers they would stay in the worker's resident memory (as in LocalBuild).
        if BuildLayerName.isStatistics(job.stage.layer) { AllocatorTuning.releaseFreeMemory() }
        return JobReport(host: ProcessInfo.processInfo.hostName, pid: Int(getpid()), attempt: job.attempt,
                         seconds: (seconds * 1000).rounded() / 1000, result: outcome)
    }

    /// Runs a job's work in the calling thread, without the queue (`illuminati run --job`).
    /// Unless `assumeCleanState`, what the job wrote in an earlier run is removed first.
    /// Returns the work's own JSON result.
    public func run(build: Int64, kind: String, payload: String, assumeCleanState: Bool = false) throws -> String? {
        guard let known = BuildJob.kinds.first(where: { $0.kind == kind }) else {
            throw BuildError.badPayload(kind: kind, reason: "this worker does not know the job kind")
        }
        return try run(known, build: build, payload: payload, assumeCleanState: assumeCleanState)
    }

    private func run<Kind: BuildJobKind>(_: Kind.Type, build: Int64, payload: String, assumeCleanState: Bool) throws -> String? {
        let args = try Kind.Args(payload: payload)
        return try classified {
            let handlers = try handlers(build)
            if !assumeCleanState { try Kind.removeOutput(args, in: handlers) }
            return try Kind.run(args, in: handlers)
        }.map { try QueueJSON.encode($0) }
    }

    /// `BuildError` and `PyramidError` classify themselves (`ClassifiedError`); two more are
    /// bad input for a job though not for every caller: an image file a job cannot read will
    /// not read on a retry, and a job that does not describe its work will not describe it on
    /// a retry.
    private func classified<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as ImageFileError {
            throw PermanentJobError(error.description)
        } catch let error as PyramidError {
            if case .invalidJob = error { throw PermanentJobError(error.description) }
            throw error
        }
    }

    /// What the jobs of a build run with.
    private func handlers(_ build: Int64) throws -> BuildJobHandlers {
        let descriptor = try self.descriptor(build)
        let storage = ExperimentStorage(root: storageRoot, experiment: descriptor.experiment)
        return BuildJobHandlers(descriptor: descriptor, storage: storage) { [self] channel in
            try renderContext(build, channel: channel, descriptor, storage)
        }
    }

    func descriptor(_ build: Int64) throws -> BuildDescriptor {
        try descriptors.value(for: build, cost: \.bytes) {
            let params: String = try lock.withLock {
                try database.withConnection(idempotent: true) { try BuildStore($0).info(build).params }
            }
            let descriptor: BuildDescriptor
            do {
                descriptor = try QueueJSON.decode(BuildDescriptor.self, from: params)
            } catch {
                throw BuildError.badPayload(kind: "build parameters", reason: QueueJSON.describe(error))
            }
            return CachedDescriptor(descriptor: descriptor, bytes: params.utf8.count)
        }.descriptor
    }

    /// Built on the first pyramid job of a channel: by then its statistics exist, because
    /// the queue runs a layer only after the statistics layer it waits for.
    func renderContext(_ build: Int64, channel: String, _ descriptor: BuildDescriptor,
                       _ storage: ExperimentStorage) throws -> RenderContext {
        try contexts.value(for: ContextKey(build: build, channel: channel), cost: \.retainedBytes) {
            try BuildJobHandlers.makeRenderContext(channel: channel, descriptor: descriptor, storage: storage,
                                                   cache: cache, bands: 1)
        }
    }
}
