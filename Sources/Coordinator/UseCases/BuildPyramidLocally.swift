import Foundation
import IlluminatiBuild
import IlluminatiCore
import Logging

/// `illuminati pyramid`: a manifest in, DeepZoom pyramids out, on this machine and without a
/// database. The experiment is read exactly as `experiment create` reads it, and built with
/// the plan and job handlers of a distributed build.
struct BuildPyramidLocally {
    var logger: Logger

    func run(manifest: String, output: String, options: BuildOptions, statisticsInputs: [String],
             settings: LocalBuildSettings) throws -> LocalBuildSummary {
        let directory = FileManager.default.currentDirectoryPath
        let (experiment, layout) = try ManifestExperiment(logger: logger)
            .load(name: "pyramid", manifestPath: Manifest.resolvePath(manifest, relativeTo: directory))
        let reporter = PhaseProgress()
        let build = LocalBuild(experiment: experiment, layout: layout, output: Manifest.resolvePath(output, relativeTo: directory),
                               options: options, statisticsInputs: statisticsInputs, settings: settings,
                               logger: logger) { phase, done, total in reporter.update(phase, done, total) }
        let summary = try build.run()
        reporter.finishAll()
        return summary
    }
}

/// One progress line per phase on stderr.
private final class PhaseProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String: (line: ProgressLine, started: Date)] = [:]
    private var order: [String] = []

    func update(_ phase: String, _ done: Int, _ total: Int) {
        let line: ProgressLine = lock.withLock {
            if let existing = lines[phase] { return existing.line }
            let created = ProgressLine(label: phase)
            lines[phase] = (created, Date())
            order.append(phase)
            return created
        }
        line.update(done, total)
        if done == total { finish(phase) }
    }

    private func finish(_ phase: String) {
        guard let entry = lock.withLock({ lines.removeValue(forKey: phase) }) else { return }
        entry.line.finish(String(format: "%.2f s", Date().timeIntervalSince(entry.started)))
    }

    func finishAll() {
        for phase in lock.withLock({ order }) { finish(phase) }
    }
}
