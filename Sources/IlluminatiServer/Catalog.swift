import Foundation
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiPyramid

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
    var storage: PyramidStorage

    func pyramidLayout() throws -> PyramidLayout {
        guard let layout else {
            throw RouteError(status: .internalServerError, message: "layer \(name): descriptor geometry is inconsistent")
        }
        return layout
    }

    /// Nil unless the descriptor's geometry is the one its base size and tile size give.
    static func layout(of descriptor: LayerDescriptor?) -> PyramidLayout? {
        guard let descriptor else { return nil }
        let geometry = descriptor.geometry
        guard let layout = try? PyramidLayout(baseSize: PixelSize(height: geometry.height, width: geometry.width),
                                              tileSize: geometry.tileSize),
              layout.maxLevel == geometry.maxLevel, layout.tissueMAPSDepth == descriptor.tissueMAPS.depth else { return nil }
        return layout
    }
}

/// An experiment with everything the routes need, read once and kept for a while.
struct ServedExperiment: Sendable {
    var stored: StoredExperiment
    var layout: PlateLayout?
    var layers: [ServedLayer]
    var directory: String

    var id: Int64 { stored.id }
    var name: String { stored.experiment.name }

    func layer(_ text: Substring) -> ServedLayer? {
        if let id = PathParameter.number(text) { return layers.first { $0.id == Int64(id) } }
        guard let name = PathParameter.name(text) else { return nil }
        return layers.first { $0.name == name }
    }
}

/// Experiments by id and name, read from the database and the layers' descriptors on first use
/// and again after `lifetime`, so new builds show up without a restart.
final class Catalog: @unchecked Sendable {
    private let database: DatabaseAccess
    private let storageRoot: String
    private let lifetime: Double
    private let lock = NSLock()
    private var experiments: [Int64: (loaded: Double, value: ServedExperiment)] = [:]
    private var summaries: (loaded: Double, value: [ExperimentSummary])?

    init(database: DatabaseAccess, storageRoot: String, lifetime: Double) {
        self.database = database
        self.storageRoot = storageRoot
        self.lifetime = lifetime
    }

    private static func now() -> Double { Date().timeIntervalSinceReferenceDate }

    func list() throws -> [ExperimentSummary] {
        lock.lock()
        defer { lock.unlock() }
        if let summaries, Self.now() - summaries.loaded < lifetime { return summaries.value }
        let value = try database.with { try ExperimentStore($0).list() }
        summaries = (Self.now(), value)
        return value
    }

    /// The experiment with this decimal id or name, or nil when there is none.
    func experiment(_ text: Substring) throws -> ServedExperiment? {
        let all = try list()
        let summary: ExperimentSummary?
        if let id = PathParameter.number(text) {
            summary = all.first { $0.id == Int64(id) }
        } else if let name = PathParameter.name(text) {
            summary = all.first { $0.name == name }
        } else {
            return nil
        }
        guard let summary else {
            // An experiment created since the list was read: read the list again, once.
            lock.lock()
            let stale = summaries.map { Self.now() - $0.loaded > 1 } ?? true
            if stale { summaries = nil }
            lock.unlock()
            guard stale else { return nil }
            let fresh = try list()
            let again = PathParameter.number(text).flatMap { id in fresh.first { $0.id == Int64(id) } }
                ?? PathParameter.name(text).flatMap { name in fresh.first { $0.name == name } }
            return try again.map { try experiment(summary: $0) }
        }
        return try experiment(summary: summary)
    }

    private func experiment(summary: ExperimentSummary) throws -> ServedExperiment {
        lock.lock()
        if let cached = experiments[summary.id], Self.now() - cached.loaded < lifetime {
            lock.unlock()
            return cached.value
        }
        lock.unlock()
        let stored = try database.with { try ExperimentStore($0).load(summary.name) }
        let served = Self.serve(stored, storageRoot: storageRoot)
        lock.lock()
        experiments[summary.id] = (Self.now(), served)
        lock.unlock()
        return served
    }

    static func serve(_ stored: StoredExperiment, storageRoot: String) -> ServedExperiment {
        let directory = "\(storageRoot)/\(stored.experiment.name)"
        let storage = PyramidStorage(root: directory)
        let decoder = JSONDecoder()
        let layers = stored.layers.map { row in
            let descriptor = FileManager.default.contents(atPath: storage.descriptorPath(layer: row.layer.name))
                .flatMap { try? decoder.decode(LayerDescriptor.self, from: $0) }
            let channels = stored.experiment.channels
            return ServedLayer(
                id: row.id, name: row.layer.name, key: row.layer.key,
                channelName: channels.indices.contains(row.layer.key.channel) ? channels[row.layer.key.channel].name : "",
                minIntensity: row.minIntensity ?? descriptor?.window.lower,
                maxIntensity: row.maxIntensity ?? descriptor?.window.upper,
                descriptor: descriptor, layout: ServedLayer.layout(of: descriptor), storage: storage)
        }
        return ServedExperiment(stored: stored, layout: try? PlateLayout(stored.experiment.layoutSpec), layers: layers,
                                directory: directory)
    }
}
