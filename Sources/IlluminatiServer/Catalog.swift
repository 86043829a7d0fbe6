import Foundation
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiPyramid
import IlluminatiStorage
import Logging

/// A channel layer as the server sees it: its database row and, once built, its pyramid.
struct ServedLayer: Sendable {
    var id: Int64
    var name: String
    var key: ChannelLayer.Key
    var channelName: String
    var minIntensity: Int?
    var maxIntensity: Int?
    /// Nil until the layer's pyramid has been written (`<layer>.json` exists).
    var descriptor: LayerDescriptor?
    /// The tile geometry of the descriptor, made once per catalog load (tile routes need it on
    /// every request); nil when there is no descriptor or it contradicts itself.
    var layout: PyramidLayout?
    /// Where the layer's tiles and published files are read from: a source indexes the
    /// layer's shards once, so it is kept while the descriptor stays the same file.
    var tiles: any TileSource
    /// The descriptor's `StoredFile.version`; nil when there is none.
    var descriptorVersion: String?

    func pyramidLayout() throws -> PyramidLayout {
        guard let layout else {
            throw RouteError(status: .internalServerError, message: "layer \(name): descriptor geometry is inconsistent")
        }
        return layout
    }
}

/// An experiment with everything the routes need, read once and kept for a while.
struct ServedExperiment: Sendable {
    var stored: StoredExperiment
    var layout: PlateLayout?
    var layers: [ServedLayer]

    var id: Int64 { stored.id }
    var name: String { stored.experiment.name }

    func layer(_ text: Substring) -> ServedLayer? {
        if let id = PathParameter.number(text) { return layers.first { $0.id == Int64(id) } }
        guard let name = PathParameter.name(text) else { return nil }
        return layers.first { $0.name == name }
    }
}

/// Experiments by id and name, read from the database and the layers' descriptors on first use
/// and again once `lifetime` has passed, so new builds show up without a restart.
///
/// An expired entry is still answered at once while a background task reads it again: tiles
/// are files, and the last good catalog is enough to find them, so they keep coming while the
/// database is away. A failed refresh is retried, after a growing pause (up to
/// `maximumRetryDelay`), by the next request that finds the entry expired.
final class Catalog: @unchecked Sendable {
    static let firstRetryDelay = 0.25
    static let maximumRetryDelay = 5.0

    private let database: DatabasePool
    private let storageRoot: String
    private let lifetime: Double
    private let logger: Logger
    private let lock = NSLock()
    private var summaries: Entry<[ExperimentSummary]>?
    private var experiments: [Int64: Entry<ServedExperiment>] = [:]
    private var refreshes: [Key: Refresh] = [:]

    private struct Entry<Value> {
        var loaded: Double
        var value: Value
    }

    private enum Key: Hashable {
        case list
        case experiment(Int64)
    }

    /// A background read of one entry: running, or failed and waiting for `notBefore`.
    private struct Refresh {
        var running: Bool
        var notBefore: Double
        var delay: Double
    }

    init(database: DatabasePool, storageRoot: String, lifetime: Double, logger: Logger) {
        self.database = database
        self.storageRoot = storageRoot
        self.lifetime = lifetime
        self.logger = logger
    }

    private static func now() -> Double { Date().timeIntervalSinceReferenceDate }

    func list() async throws -> [ExperimentSummary] {
        if let cached = lock.withLock({ summaries }) {
            if Self.now() - cached.loaded >= lifetime { refreshInBackground(.list) }
            return cached.value
        }
        return try await loadList()
    }

    /// The experiment with this decimal id or name, or nil when there is none.
    func experiment(_ text: Substring) async throws -> ServedExperiment? {
        let id = PathParameter.number(text).map(Int64.init)
        let name = id == nil ? PathParameter.name(text) : nil
        guard id != nil || name != nil else { return nil }
        func find(_ all: [ExperimentSummary]) -> ExperimentSummary? {
            if let id { return all.first { $0.id == id } }
            return all.first { $0.name == name }
        }
        if let summary = find(try await list()) { return try await experiment(summary: summary) }
        // An experiment created since the list was read: read the list again now, at most once
        // a second, and not while the database is known to be away.
        let stale = lock.withLock {
            (summaries.map { Self.now() - $0.loaded > 1 } ?? true) && (refreshes[.list]?.notBefore ?? 0) <= Self.now()
        }
        guard stale, let summary = find(try await loadList()) else { return nil }
        return try await experiment(summary: summary)
    }

    private func experiment(summary: ExperimentSummary) async throws -> ServedExperiment {
        if let cached = lock.withLock({ experiments[summary.id] }) {
            if Self.now() - cached.loaded >= lifetime { refreshInBackground(.experiment(summary.id)) }
            return cached.value
        }
        return try await loadExperiment(summary.id)
    }

    private func loadList() async throws -> [ExperimentSummary] {
        let value = try await database.with { try ExperimentStore($0).list() }
        lock.withLock { summaries = Entry(loaded: Self.now(), value: value) }
        return value
    }

    /// Reads by id, so a renamed experiment keeps its entry.
    private func loadExperiment(_ id: Int64) async throws -> ServedExperiment {
        let storageRoot = storageRoot
        let previous = lock.withLock { experiments[id]?.value }
        let served = try await database.with { connection in
            let store = ExperimentStore(connection)
            guard let summary = try store.list().first(where: { $0.id == id }) else { return nil as ServedExperiment? }
            return Self.serve(try store.load(summary.name), storageRoot: storageRoot, previous: previous)
        }
        guard let served else { throw RouteError.notFound("no experiment \(id)") }
        lock.withLock { experiments[id] = Entry(loaded: Self.now(), value: served) }
        return served
    }

    private func refreshInBackground(_ key: Key) {
        let start: Bool = lock.withLock {
            let now = Self.now()
            var refresh = refreshes[key] ?? Refresh(running: false, notBefore: 0, delay: 0)
            guard !refresh.running, refresh.notBefore <= now else { return false }
            refresh.running = true
            refreshes[key] = refresh
            return true
        }
        guard start else { return }
        Task {
            do {
                switch key {
                case .list: _ = try await loadList()
                case .experiment(let id): _ = try await loadExperiment(id)
                }
                lock.withLock { refreshes[key] = nil }
            } catch let error as RouteError where error.status == .notFound {
                // Deleted meanwhile: forget it rather than serve it forever.
                lock.withLock {
                    refreshes[key] = nil
                    if case .experiment(let id) = key { experiments[id] = nil }
                }
            } catch {
                let delay = lock.withLock {
                    var refresh = refreshes[key] ?? Refresh(running: false, notBefore: 0, delay: 0)
                    refresh.delay = min(Self.maximumRetryDelay, max(Self.firstRetryDelay, refresh.delay * 2))
                    refresh.notBefore = Self.now() + refresh.delay
                    refresh.running = false
                    refreshes[key] = refresh
                    return refresh.delay
                }
                logger.warning("catalog refresh failed, serving the last good catalog; retrying in \(delay) s: \(error)")
            }
        }
    }

    /// The experiment's layers with their descriptors as they are now. A layer of `previous`
    /// (the same experiment as served before) whose descriptor is the same file keeps its
    /// source, and with it the index of its shards; a new descriptor (a build finished) gets
    /// a new source, which indexes the new shards.
    static func serve(_ stored: StoredExperiment, storageRoot: String, previous: ServedExperiment? = nil) -> ServedExperiment {
        let pyramids = ExperimentStorage(root: storageRoot, experiment: stored.experiment.name).pyramids
        let decoder = JSONDecoder()
        let layers = stored.layers.map { row in
            let fresh = pyramids.source(layer: row.layer.name)
            let file = (try? fresh.document(.descriptor)) ?? nil
            let kept = previous?.layers.first { $0.name == row.layer.name && file != nil && $0.descriptorVersion == file?.version }
            let tiles = kept?.tiles ?? fresh
            let descriptor = file.flatMap { try? decoder.decode(LayerDescriptor.self, from: Data($0.bytes)) }
            let channels = stored.experiment.channels
            return ServedLayer(
                id: row.id, name: row.layer.name, key: row.layer.key,
                channelName: channels.indices.contains(row.layer.key.channel) ? channels[row.layer.key.channel].name : "",
                minIntensity: row.minIntensity ?? descriptor?.window.lower,
                maxIntensity: row.maxIntensity ?? descriptor?.window.upper,
                descriptor: descriptor, layout: descriptor?.pyramidLayout, tiles: tiles,
                descriptorVersion: file?.version)
        }
        return ServedExperiment(stored: stored, layout: try? PlateLayout(stored.experiment.layoutSpec), layers: layers)
    }
}
