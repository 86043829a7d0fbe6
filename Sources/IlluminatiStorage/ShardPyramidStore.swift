import Foundation
import IlluminatiCore

/// Pyramids as tile shards (`LayerLayout`, `PyramidFormat.shards`): each job's output tiles
/// go into one stored ZIP, written under a temporary name and renamed into place when the job
/// commits, so a build creates and renames a file per job, not one per tile, and a shard is
/// seen whole or not at all. The server reads tiles out of the shards through an index of
/// their central directories (`ShardIndex`).
struct ShardPyramidStore: LayerFilesStore {
    let experiment: ExperimentStorage
    var format: PyramidFormat { .shards }

    func openSink(layer: String, job: String) throws -> any TileSink {
        let layout = LayerLayout(layer)
        return ShardTileSink(experiment: experiment, layer: layout, shard: try shard(layout, job: job))
    }

    /// A job's tiles are all in its shard.
    func tileFiles(layer: LayerLayout, job: String, tiles: [TileAddress]) throws -> [String] {
        [try shard(layer, job: job)]
    }

    private func shard(_ layout: LayerLayout, job: String) throws -> String {
        guard let shard = layout.shard(job: job) else {
            throw StorageError(path: experiment.path(layout.shardsFolder), reason: "\"\(job)\" cannot name a job's shard")
        }
        return shard
    }

    func source(layer: String) -> any TileSource {
        ShardTileSource(files: files(layer))
    }
}

/// One job's shard, written as the job renders and published by its commit; the job's
/// intermediate tiles are kept until then and written at the commit as well, so an abandoned
/// job leaves nothing behind but a temporary that the layer's finish sweeps.
final class ShardTileSink: TileSink {
    private let layer: LayerLayout
    /// The shard's path in the experiment's folder.
    private let shard: String
    private let writer: FolderWriter
    private var pending: (file: PendingFile, archive: ZipWriter)?
    private var intermediates: [(tile: TileAddress, bytes: [UInt8])] = []

    init(experiment: ExperimentStorage, layer: LayerLayout, shard: String) {
        self.layer = layer
        self.shard = shard
        writer = FolderWriter(experiment: experiment)
    }

    func writeTile(_ tile: TileAddress, jpeg: UnsafeRawBufferPointer) throws {
        try open().add(LayerLayout.shardEntry(tile), jpeg)
    }

    func writeIntermediate(_ tile: TileAddress, bytes: UnsafeRawBufferPointer) throws {
        intermediates.append((tile, Array(bytes)))
    }

    /// A job whose tiles are all black publishes no shard, and removes one an earlier attempt
    /// left, so that the shard's name holds what this attempt wrote.
    func commit() throws {
        for (tile, bytes) in intermediates {
            try bytes.withUnsafeBytes { try writer.write(layer.intermediate(tile), $0) }
        }
        intermediates = []
        if let (file, archive) = pending.map({ ($0.file, $0.archive) }) {
            pending = nil
            try file.publish(after: archive.finish)
        } else {
            let (folder, name) = ExperimentStorage.split(shard)
            try writer.folder(folder).removeFile(name)
        }
    }

    func abandon() {
        pending?.file.discard()
        pending = nil
        intermediates = []
    }

    /// The shard being written, its temporary made by the first tile.
    private func open() throws -> ZipWriter {
        if let pending { return pending.archive }
        let (folder, name) = ExperimentStorage.split(shard)
        let file = try PendingFile(name, in: try writer.folder(folder))
        let archive = ZipWriter(file: file.descriptor, path: file.path,
                                capacity: .plain(archive: "shard", advice: "use a smaller batch size"))
        pending = (file, archive)
        return archive
    }
}

/// Reads a layer's tiles out of its shards, through an index of their central directories
/// made by the first tile read and kept by this source: a server keeps a layer's source
/// until the layer's descriptor changes (a finished build publishes a new one), and then
/// takes a new one.
final class ShardTileSource: LayerFilesSource, @unchecked Sendable {
    let files: LayerFiles
    private let lock = NSLock()
    private var loaded: ShardIndex?

    init(files: LayerFiles) {
        self.files = files
    }

    func tile(_ tile: TileAddress) throws -> StoredFile? {
        try index().read(tile)
    }

    func containsTile(_ tile: TileAddress) -> Bool {
        (try? index().contains(tile)) ?? false
    }

    /// Loaded under the lock: the requests that arrive while a layer's shards are indexed
    /// wait for that one index instead of each making their own.
    private func index() throws -> ShardIndex {
        try lock.withLock {
            if let loaded { return loaded }
            let index = try ShardIndex(folder: files.experiment.path(files.layout.shardsFolder))
            loaded = index
            return index
        }
    }
}
