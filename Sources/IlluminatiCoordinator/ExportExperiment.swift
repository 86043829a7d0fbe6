import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiPyramid
import IlluminatiQueue
import IlluminatiStorage

/// `illuminati export`: an experiment's finished layers as a static DeepZoom folder or `.szi`,
/// read from the storage through each layer's `TileSource` (shards, as builds write them).
public struct ExportExperiment {
    public let connection: any StatementRunner
    public let storage: StorageRoot
    public var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?

    public init(connection: any StatementRunner, storage: StorageRoot,
                progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) {
        self.connection = connection
        self.storage = storage
        self.progress = progress
    }

    /// Bad input (exit status 2), before anything is written: an unknown experiment or layer,
    /// several layers for one `.szi`, a build of the experiment that is still under way, a
    /// layer no build has finished, or an output that exists (unless `replacing`).
    public func run(experiment name: String, layers: [String]?, format: ExportFormat, output: String,
                    replacing: Bool) throws -> ExportSummary {
        let stored = try ExperimentStore(connection).load(name)
        let chosen = try ExperimentLayers.select(layers, in: stored.experiment).map(\.name)
        try format.check(layers: chosen)
        if let build = try BuildStore(connection).latestBuild(experiment: stored.id),
           [.planned, .running, .paused].contains(build.state) {
            throw InputError("the build of experiment \(name) is not finished (build \(build.id) is \(build.state.rawValue)); "
                             + "export it when `illuminati submit \(name)` has finished")
        }
        let pyramids = storage.experiment(name).pyramids
        let finished = try chosen.map { layer in
            do {
                return try FinishedLayer(name: layer, tiles: pyramids.source(layer: layer))
            } catch ExportError.unfinishedLayer {
                throw InputError("layer \(layer) of experiment \(name) has no finished pyramid in \(storage.path) "
                                 + "(`illuminati status \(name)` shows its build; give the storage the build wrote with --storage)")
            }
        }
        return try DeepZoomExporter(progress: progress).export(finished, format: format, to: output, replacing: replacing,
                                                               protecting: [storage.path])
    }
}
