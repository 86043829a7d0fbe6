import Foundation
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiQueue
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
    }

    /// One handler per job kind, for `QueueWorker`.
    public var handlers: [String: JobHandler] {
        var handlers: [String: JobHandler] = [:]
        for kind in BuildJobKind.all {
            handlers[kind] = { [self] job, context in try self.run(job, context) }
        }
        return handlers
    }

    /// Runs one claimed job; returns the JSON kept in the history: what it did, where, and
    /// how long it took (`illuminati log` shows it).
    public func run(_ job: ClaimedJob, _ context: JobContext? = nil) throws -> String? {
        let started = ContinuousClock.now
        let outcome = try run(build: job.level.build, kind: job.kind, payload: job.payload)
        let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - started).components.seconds)
        let record = JobReport(host: ProcessInfo.processInfo.hostName, pid: Int(getpid()), attempt: job.attempt,
                               seconds: (seconds * 1000).rounded() / 1000, outcome: outcome)
        return try JSONPayload.encode(record)
    }

    /// Runs a job's work in the calling thread, without the queue (also `illuminati run --job`).
    /// Returns the work's own JSON result. `BuildError` and `PyramidError` classify themselves
    /// (`ClassifiedError`); two more are bad input for a job though not for every caller: an
    /// image file a job cannot read will not read on a retry, and a job that does not describe
    /// its work will not describe it on a retry.
    public func run(build: Int64, kind: String, payload: String) throws -> String? {
        do {
            return try runUnclassified(build: build, kind: kind, payload: payload)
        } catch let error as ImageFileError {
            throw PermanentJobError(error.description)
        } catch let error as PyramidError {
            if case .invalidJob = error { throw PermanentJobError(error.description) }
            throw error
        }
    }

    private func runUnclassified(build: Int64, kind: String, payload: String) throws -> String? {
        let descriptor = try self.descriptor(build)
        let storage = BuildStorage(root: storageRoot, experiment: descriptor.experiment)
        let job = try BuildJob(kind: kind, payload: payload)
        let handlers = BuildJobHandlers(descriptor: descriptor, storage: storage) { [self] channel in
            try renderContext(build, channel: channel, descriptor, storage)
        }
        return try handlers.run(job).json()
    }

    func descriptor(_ build: Int64) throws -> BuildDescriptor {
        try descriptors.value(for: build, cost: \.bytes) {
            let params: String = try lock.withLock {
                try database.withConnection(idempotent: true) { try BuildStore($0).info(build).params }
            }
            let descriptor = try JSONPayload.decode(BuildDescriptor.self, from: params, kind: "build parameters")
            return CachedDescriptor(descriptor: descriptor, bytes: params.utf8.count)
        }.descriptor
    }

    /// Built on the first pyramid job of a channel: by then its statistics exist, because
    /// the queue runs a layer only after the statistics layer it waits for.
    func renderContext(_ build: Int64, channel: String, _ descriptor: BuildDescriptor,
                       _ storage: BuildStorage) throws -> RenderContext {
        try contexts.value(for: ContextKey(build: build, channel: channel), cost: \.retainedBytes) {
            try BuildJobHandlers.makeRenderContext(channel: channel, descriptor: descriptor, storage: storage,
                                                   cache: cache, bands: 1)
        }
    }
}

/// What a worker records about a finished job.
struct JobReport: Encodable {
    var host: String
    var pid: Int
    var attempt: Int
    var seconds: Double
    /// The work's own result, as JSON text.
    var outcome: String?

    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case host, pid, attempt, seconds, result }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(host, forKey: .host)
        try container.encode(pid, forKey: .pid)
        try container.encode(attempt, forKey: .attempt)
        try container.encode(seconds, forKey: .seconds)
        // Nested as JSON, not as a string holding JSON.
        if let outcome, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(outcome.utf8)) {
            try container.encode(value, forKey: .result)
        }
    }
}

/// Any JSON value, to nest one document in another.
enum JSONValue: Codable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
