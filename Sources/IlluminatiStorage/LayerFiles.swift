import IlluminatiCore

/// What every format keeps of a layer as plain files, one concept shared by the stores: the
/// documents a finish publishes, the intermediate tiles between stages (one file per tile: a
/// job that feeds the next stage halves its block to exactly one tile, so that is one file
/// per job, named by the tile, and the next stage finds it by its input's address), the
/// finish itself and the removal of everything of the layer.
struct LayerFiles: Sendable {
    let experiment: ExperimentStorage
    let layout: LayerLayout
    let format: PyramidFormat

    init(experiment: ExperimentStorage, layer: String, format: PyramidFormat) {
        self.experiment = experiment
        self.layout = LayerLayout(layer)
        self.format = format
    }

    func intermediate(_ tile: TileAddress) throws -> StoredFile? {
        try StoredFile.read(intermediateLocation(tile))
    }

    func intermediateLocation(_ tile: TileAddress) -> String {
        experiment.path(layout.intermediate(tile))
    }

    func document(_ document: LayerDocument) throws -> StoredFile? {
        try StoredFile.read(experiment.path(layout.path(of: document, format)))
    }

    /// `PyramidStore.finishLayer`.
    func finish(documents: LayerDocuments, keepingIntermediates: Bool) throws {
        for (document, bytes) in [(LayerDocument.deepZoom, documents.deepZoom), (.blankTile, documents.blankTile),
                                   (.descriptor, documents.descriptor)] {
            try experiment.writeAtomically(layout.path(of: document, format), bytes: bytes)
        }
        if !keepingIntermediates {
            try? experiment.remove([layout.intermediatesFolder])
        }
        // Every job of the layer has finished by now, so any temporary left is abandoned.
        for relative in [layout.tilesFolder(format), layout.intermediatesFolder] {
            guard let folder = try? experiment.folder(relative) else { continue }
            for inside in [folder] + folder.subfolders() { inside.removeTemporaries() }
        }
    }

    /// `PyramidStore.removeLayer`: the files of every format, so that a build in one format
    /// leaves nothing of an earlier one in another.
    func remove() throws {
        try experiment.remove(layout.everything)
    }
}

/// A store that keeps a layer's documents and intermediates as `LayerFiles` of its format:
/// the finish and the removal of a layer are the same for all of them.
protocol LayerFilesStore: PyramidStore {
    var experiment: ExperimentStorage { get }
    var format: PyramidFormat { get }
    /// Where a job's `tiles` lie in this format, relative to the experiment's folder.
    func tileFiles(layer: LayerLayout, job: String, tiles: [TileAddress]) throws -> [String]
}

extension LayerFilesStore {
    func files(_ layer: String) -> LayerFiles {
        LayerFiles(experiment: experiment, layer: layer, format: format)
    }

    func finishLayer(_ layer: String, documents: LayerDocuments, keepingIntermediates: Bool) throws {
        try files(layer).finish(documents: documents, keepingIntermediates: keepingIntermediates)
    }

    func removeLayer(_ layer: String) throws {
        try files(layer).remove()
    }

    func removeJobOutput(layer: String, job: String, tiles: [TileAddress], intermediates: [TileAddress]) throws {
        let layout = LayerLayout(layer)
        try experiment.removeFiles(try tileFiles(layer: layout, job: job, tiles: tiles) + intermediates.map(layout.intermediate))
    }
}

/// A source whose documents and intermediates are `LayerFiles`: only its tiles are its own.
protocol LayerFilesSource: TileSource {
    var files: LayerFiles { get }
}

extension LayerFilesSource {
    func intermediate(_ tile: TileAddress) throws -> StoredFile? { try files.intermediate(tile) }

    func intermediateLocation(_ tile: TileAddress) -> String { files.intermediateLocation(tile) }

    func document(_ document: LayerDocument) throws -> StoredFile? { try files.document(document) }
}

/// Writes files of an experiment's folder atomically, keeping each folder it opened for the
/// next file of the same job.
final class FolderWriter {
    private let experiment: ExperimentStorage
    private var folders: [String: StorageFolder] = [:]

    init(experiment: ExperimentStorage) {
        self.experiment = experiment
    }

    /// The folder `relative`, made when missing.
    func folder(_ relative: String) throws -> StorageFolder {
        if let open = folders[relative] { return open }
        let folder = try experiment.makeFolder(relative)
        folders[relative] = folder
        return folder
    }

    func write(_ relative: String, _ bytes: UnsafeRawBufferPointer) throws {
        let (folderPath, name) = ExperimentStorage.split(relative)
        try folder(folderPath).writeAtomically(name, bytes)
    }
}
