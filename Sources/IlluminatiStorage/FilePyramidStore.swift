import Foundation
import IlluminatiCore

/// Pyramids as plain DeepZoom folders (`LayerLayout`): one file per tile, each renamed into
/// place as soon as it is written, so a sink has nothing left to do when it commits, and an
/// abandoned job's tiles stay (its next attempt writes the same bytes over them).
struct FilePyramidStore: PyramidStore {
    let experiment: ExperimentStorage

    func openSink(layer: String, job: String) throws -> any TileSink {
        FileTileSink(experiment: experiment, layer: LayerLayout(layer))
    }

    func source(layer: String) -> any TileSource {
        FileTileSource(experiment: experiment, layer: LayerLayout(layer))
    }

    func finishLayer(_ layer: String, documents: LayerDocuments, keepingIntermediates: Bool) throws {
        let layout = LayerLayout(layer)
        for (document, bytes) in [(LayerDocument.deepZoom, documents.deepZoom), (.blankTile, documents.blankTile),
                                   (.descriptor, documents.descriptor)] {
            try experiment.writeAtomically(layout.path(of: document), bytes: bytes)
        }
        if !keepingIntermediates {
            try? experiment.remove([layout.intermediatesFolder])
        }
        // Every job of the layer has finished by now, so any temporary left is abandoned.
        for relative in [layout.tilesFolder, layout.intermediatesFolder] {
            guard let folder = try? experiment.folder(relative) else { continue }
            for inside in [folder] + folder.subfolders() { inside.removeTemporaries() }
        }
    }

    func removeLayer(_ layer: String) throws {
        let layout = LayerLayout(layer)
        try experiment.remove([layout.tilesFolder, layout.intermediatesFolder, layout.deepZoom, layout.descriptor])
    }
}

/// Writes each tile into its level's folder, opened once per job and level.
final class FileTileSink: TileSink {
    private let experiment: ExperimentStorage
    private let layer: LayerLayout
    private var folders: [String: StorageFolder] = [:]

    init(experiment: ExperimentStorage, layer: LayerLayout) {
        self.experiment = experiment
        self.layer = layer
    }

    func writeTile(_ tile: TileAddress, jpeg: UnsafeRawBufferPointer) throws {
        try write(layer.tile(tile), jpeg)
    }

    func writeIntermediate(_ tile: TileAddress, bytes: UnsafeRawBufferPointer) throws {
        try write(layer.intermediate(tile), bytes)
    }

    func commit() throws {}

    func abandon() {}

    private func write(_ relative: String, _ bytes: UnsafeRawBufferPointer) throws {
        let (folderPath, name) = ExperimentStorage.split(relative)
        let folder: StorageFolder
        if let open = folders[folderPath] {
            folder = open
        } else {
            folder = try experiment.makeFolder(folderPath)
            folders[folderPath] = folder
        }
        try folder.writeAtomically(name, bytes)
    }
}

/// Reads a layer's files by their paths.
struct FileTileSource: TileSource {
    let experiment: ExperimentStorage
    let layer: LayerLayout

    func tile(_ tile: TileAddress) throws -> StoredFile? {
        try StoredFile.read(experiment.path(layer.tile(tile)))
    }

    func containsTile(_ tile: TileAddress) -> Bool {
        StoredFile.exists(experiment.path(layer.tile(tile)))
    }

    func intermediate(_ tile: TileAddress) throws -> StoredFile? {
        try StoredFile.read(intermediateLocation(tile))
    }

    func intermediateLocation(_ tile: TileAddress) -> String {
        experiment.path(layer.intermediate(tile))
    }

    func document(_ document: LayerDocument) throws -> StoredFile? {
        try StoredFile.read(experiment.path(layer.path(of: document)))
    }
}
