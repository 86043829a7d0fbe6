import Foundation
import IlluminatiCore

/// Pyramids as plain DeepZoom folders (`LayerLayout`, `PyramidFormat.dzi`): one file per tile,
/// each renamed into place as soon as it is written, so an abandoned job's tiles stay (its
/// next attempt writes the same bytes over them). For static hosting: a build on a shared
/// filesystem writes shards (`ShardPyramidStore`).
struct FilePyramidStore: LayerFilesStore {
    let experiment: ExperimentStorage
    var format: PyramidFormat { .dzi }

    func openSink(layer: String, job: String) throws -> any TileSink {
        FileTileSink(experiment: experiment, layer: LayerLayout(layer))
    }

    func source(layer: String) -> any TileSource {
        FileTileSource(files: files(layer))
    }

    func tileFiles(layer: LayerLayout, job: String, tiles: [TileAddress]) throws -> [String] {
        tiles.map(layer.tile)
    }
}

/// Writes each tile into its level's folder, opened once per job and level.
final class FileTileSink: TileSink {
    private let layer: LayerLayout
    private let writer: FolderWriter

    init(experiment: ExperimentStorage, layer: LayerLayout) {
        self.layer = layer
        writer = FolderWriter(experiment: experiment)
    }

    func writeTile(_ tile: TileAddress, jpeg: UnsafeRawBufferPointer) throws {
        try writer.write(layer.tile(tile), jpeg)
    }

    func writeIntermediate(_ tile: TileAddress, bytes: UnsafeRawBufferPointer) throws {
        try writer.write(layer.intermediate(tile), bytes)
    }

    func commit() throws {}

    func abandon() {}
}

/// Reads a layer's files by their paths.
struct FileTileSource: LayerFilesSource {
    let files: LayerFiles

    func tile(_ tile: TileAddress) throws -> StoredFile? {
        try StoredFile.read(path(tile))
    }

    func containsTile(_ tile: TileAddress) -> Bool {
        StoredFile.exists(path(tile))
    }

    private func path(_ tile: TileAddress) -> String { files.experiment.path(files.layout.tile(tile)) }
}
