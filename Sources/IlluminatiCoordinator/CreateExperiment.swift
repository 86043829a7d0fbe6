import Foundation
import IlluminatiCore
import IlluminatiDatabase
import Logging

/// `experiment create`: read the manifest, check every row and every file header, and
/// store the experiment — all or nothing.
public struct CreateExperiment {
    public var logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// `stitchReport`: what the stage positions say about the wells' site grids
    /// (`StitchReport`), before the experiment is stored.
    public func run(name: String, manifest: String, pixelSize: Double? = nil, stitch: StitchOptions = StitchOptions(),
                    store: ExperimentStore, stitchReport: (StitchReport) -> Void = { _ in }) throws -> (Experiment, PlateLayout) {
        let manifestPath = Manifest.resolvePath(manifest, relativeTo: FileManager.default.currentDirectoryPath)
        guard ExperimentBuilder.isValidExperimentName(name) else {
            throw InputError("bad experiment name \"\(name)\" (letters, digits and . _ - only, at most 64, starting with a letter or digit)")
        }
        if try store.exists(name) { throw ExperimentStoreError.alreadyExists(name) }
        var stitched: [WellStitch] = []
        let (experiment, layout) = try ManifestExperiment(logger: logger).load(name: name, manifestPath: manifestPath, stitch: stitch) {
            stitched = $0.wells
            stitchReport($0)
        }
        let id = try store.create(experiment, layout: layout)
        if !stitched.isEmpty { try store.recordStitch(experimentID: id, experiment: experiment, stitched) }
        if let pixelSize { try store.setPixelSize(experimentID: id, micrometres: pixelSize) }
        return (experiment, layout)
    }
}
