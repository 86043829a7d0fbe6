import Foundation
import IlluminatiBuild
import IlluminatiCore
import Logging

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

    public func run(manifest: String, output: String, options: BuildOptions, statisticsInputs: [String],
                    settings: LocalBuildSettings) throws -> LocalBuildSummary {
        let directory = FileManager.default.currentDirectoryPath
        let (experiment, layout) = try ManifestExperiment(logger: logger)
            .load(name: "pyramid", manifestPath: Manifest.resolvePath(manifest, relativeTo: directory))
        let build = LocalBuild(experiment: experiment, layout: layout, output: Manifest.resolvePath(output, relativeTo: directory),
                               options: options, statisticsInputs: statisticsInputs, settings: settings,
                               logger: logger, progress: progress)
        return try build.run()
    }
}
