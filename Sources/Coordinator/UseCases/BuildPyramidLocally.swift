import Foundation
import IlluminatiCore
import IlluminatiPyramid
import Logging

/// `illuminati pyramid`: a manifest in, DeepZoom pyramids out, on this machine and without a
/// database. The experiment is checked exactly as `experiment create` checks it.
struct BuildPyramidLocally {
    var logger: Logger

    func run(manifest: String, output: String, options: LocalBuildOptions) throws -> LocalBuildSummary {
        let (experiment, layout) = try loadExperiment(manifest)
        let outputPath = Manifest.resolvePath(output, relativeTo: FileManager.default.currentDirectoryPath)
        let reporter = PhaseProgress()
        let build = LocalPyramidBuild(experiment: experiment, layout: layout, output: outputPath, options: options,
                                      logger: logger) { phase, done, total in reporter.update(phase, done, total) }
        do {
            let summary = try build.run()
            reporter.finishAll()
            return summary
        } catch let error as LocalBuildError where error.isUsageError {
            throw InputError(error.description)
        }
    }

    /// The experiment a manifest describes, every row and file header checked.
    func loadExperiment(_ manifest: String) throws -> (Experiment, PlateLayout) {
        let manifestPath = Manifest.resolvePath(manifest, relativeTo: FileManager.default.currentDirectoryPath)
        let text = try ManifestFile.text(at: manifestPath)
        let directory = (manifestPath as NSString).deletingLastPathComponent
        let (entries, parseProblems) = Manifest.entries(text: text, format: ManifestFormat(path: manifestPath), directory: directory)
        let paths = Array(Set(entries.map(\.path))).sorted()
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<ImageFileStatus>.allocate(capacity: paths.count)
        results.initialize(repeating: .unusable("not checked"))
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            results[index] = CreateExperiment.status(of: paths[index])
        }
        let files = Dictionary(uniqueKeysWithValues: zip(paths, results))
        let (experiment, buildProblems) = ExperimentBuilder.build(name: "pyramid", manifestPath: manifestPath,
                                                                  entries: entries, files: files)
        let problems = parseProblems + buildProblems
        guard problems.isEmpty, let experiment else {
            throw ManifestError(source: manifestPath, problems: problems.isEmpty ? [ManifestProblem(line: 0, "no images")] : problems)
        }
        do {
            return (experiment, try PlateLayout(experiment.layoutSpec))
        } catch {
            throw InputError("cannot lay out the plates of \(manifestPath): \(error)")
        }
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
