import Foundation
import IlluminatiBuild
import IlluminatiCore
import IlluminatiPyramid
import IlluminatiStorage
import Logging

/// What `illuminati pyramid --format` writes.
public enum PyramidOutputFormat: String, Sendable, CaseIterable {
    /// Stored ZIPs, one per job: what `submit` writes and `serve` reads.
    case shards
    /// A plain DeepZoom folder, a file per tile.
    case dzi
    /// Shards, then each layer exported to one `LAYER.szi` beside them.
    case szi

    /// How the build itself keeps the tiles.
    public var storage: PyramidFormat { self == .dzi ? .dzi : .shards }
}

/// `illuminati pyramid`: a manifest in, DeepZoom pyramids out, on this machine and without a
/// database. The experiment is read exactly as `experiment create` reads it, and built with
/// the plan and job handlers of a distributed build.
public struct BuildPyramidLocally {
    public var logger: Logger
    /// Jobs done so far of a phase's jobs (illumination statistics, intensity windows, rendering).
    public var progress: @Sendable (_ phase: String, _ done: Int, _ total: Int) -> Void

    public init(logger: Logger,
                progress: @escaping @Sendable (_ phase: String, _ done: Int, _ total: Int) -> Void = { _, _, _ in }) {
        self.logger = logger
        self.progress = progress
    }

    public func run(manifest: String, stitch: StitchOptions = StitchOptions(), output: String,
                    options: BuildOptions, statisticsInputs: [String],
                    settings: LocalBuildSettings, stitchReport: (StitchReport) -> Void = { _ in }) throws -> LocalBuildSummary {
        let directory = FileManager.default.currentDirectoryPath
        let (experiment, layout) = try ManifestExperiment(logger: logger)
            .load(name: "pyramid", manifestPath: Manifest.resolvePath(manifest, relativeTo: directory), stitch: stitch,
                  report: stitchReport)
        let build = LocalBuild(experiment: experiment, layout: layout, output: Manifest.resolvePath(output, relativeTo: directory),
                               options: options, statisticsInputs: statisticsInputs, settings: settings,
                               logger: logger, progress: progress)
        return try build.run()
    }

    /// `--format szi`: each layer built in `output` exported to `output/LAYER.szi`, replacing
    /// an earlier one as the build replaced its other files.
    public func exportSZI(output: String, layers: [String]) throws -> [ExportSummary] {
        let folder = Manifest.resolvePath(output, relativeTo: FileManager.default.currentDirectoryPath)
        let pyramids = ExperimentStorage(directory: folder).pyramids
        let progress = self.progress
        return try layers.map { layer in
            let exporter = DeepZoomExporter { done, total in progress("\(LayerLayout(layer).szi)", done, total) }
            return try exporter.export([FinishedLayer(name: layer, tiles: pyramids.source(layer: layer))], format: .szi,
                                       to: folder + "/" + LayerLayout(layer).szi, replacing: true)
        }
    }
}
