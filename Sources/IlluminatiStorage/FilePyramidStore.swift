import Foundation
import IlluminatiCore

/// Pyramids as plain DeepZoom folders (`LayerLayout`, `PyramidFormat.dzi`): one file per tile,
/// each renamed into place as soon as it is written, so an abandoned job's tiles stay (its
/// next attempt writes the same bytes over them). For static hosting: a build on a shared
/// filesystem writes shards (`ShardPyramidStore`).
struct FilePyramidStore: PyramidStore {
    let experiment: ExperimentStorage

    func openSink(layer: String, job: String) throws -> any TileSink {
        FileTileSink(experiment: experiment, layer: LayerLayout(layer))
    }

    func source(layer: String) -> any TileSource {
        FileTileSource(files: files(layer))
    }

    func finishLayer(_ layer: String, documents: LayerDocuments, keepingIntermediates: Bool) throws {
        try files(layer).finish(documents: documents, keepingIntermediates: keepingIntermediates)
    }

    func removeLayer(_ layer: String) throws {
        try files(layer).remove()
    }

    private func files(_ layer: String) -> LayerFiles {
        LayerFiles(experiment: experiment, layer: layer, format: .dzi)
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
struct FileTileSource: TileSource {
    let files: LayerFiles

    func tile(_ tile: TileAddress) throws -> StoredFile? {
        try StoredFile.read(path(tile))
    }

    func containsTile(_ tile: TileAddress) -> Bool {
        StoredFile.exists(path(tile))
    }

    func intermediate(_ tile: TileAddress) throws -> StoredFile? { try files.intermediate(tile) }

    func intermediateLocation(_ tile: TileAddress) -> String { files.intermediateLocation(tile) }

    func document(_ document: LayerDocument) throws -> StoredFile? { try files.document(document) }

    private func path(_ tile: TileAddress) -> String { files.experiment.path(files.layout.tile(tile)) }
}
