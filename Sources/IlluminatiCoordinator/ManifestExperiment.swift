import Dispatch
import Foundation
import IlluminatiCore
import IlluminatiImaging
import Logging

/// A manifest read into an experiment and its plate layout, every row and every image header
/// checked: what `experiment create` stores and `illuminati pyramid` builds.
struct ManifestExperiment {
    var logger: Logger

    /// - Parameters:
    ///   - manifestPath: absolute.
    ///   - stitch: how sites given by `site` index or stage position get their grid cells.
    ///   - report: gets what the stage positions say about each well's grid and layout, once
    ///     the manifest is read; a disagreement between wells is logged as a warning too.
    func load(name: String, manifestPath: String, stitch: StitchOptions = StitchOptions(),
              report: (StitchReport) -> Void = { _ in }) throws -> (Experiment, PlateLayout) {
        let text = try ManifestFile.text(at: manifestPath)
        let directory = (manifestPath as NSString).deletingLastPathComponent
        let (entries, parseProblems) = Manifest.entries(text: text, format: ManifestFormat(path: manifestPath), directory: directory)
        let files = probe(Array(Set(entries.map(\.path))))
        let (experiment, buildProblems) = ExperimentBuilder.build(name: name, manifestPath: manifestPath, entries: entries,
                                                                       files: files, stitch: stitch)
        let problems = parseProblems + buildProblems
        guard problems.isEmpty, let experiment else {
            throw ManifestError(source: manifestPath, problems: problems.isEmpty ? [ManifestProblem(line: 0, "no images")] : problems)
        }
        let stitchReport = StitchReport(experiment.stitchByWell(reverseRows: stitch.reverseRows,
                                                                reverseColumns: stitch.reverseColumns))
        if let disagreement = stitchReport.disagreement { logger.warning("\(disagreement)") }
        report(stitchReport)
        do {
            return (experiment, try PlateLayout(experiment.layoutSpec))
        } catch {
            throw InputError("cannot lay out the plates of \(manifestPath): \(error)")
        }
    }

    /// Reads every file's header, on all cores.
    private func probe(_ paths: [String]) -> [String: ImageFileStatus] {
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<ImageFileStatus>.allocate(capacity: paths.count)
        results.initialize(repeating: .unusable("not checked"))
        defer { results.deallocate() }
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            results[index] = Self.status(of: paths[index])
        }
        logger.info("checked \(paths.count) image headers in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        return Dictionary(uniqueKeysWithValues: zip(paths, results))
    }

    static func status(of path: String) -> ImageFileStatus {
        guard FileManager.default.fileExists(atPath: path) else { return .unusable("file not found: \(path)") }
        do {
            let info = try ImageFiles.probe(path)
            guard info.samplesPerPixel == 1 else {
                return .unusable("\(path): \(info.samplesPerPixel) samples per pixel; only grayscale images are supported")
            }
            return .image(width: info.width, height: info.height, bitDepth: info.bitDepth)
        } catch {
            return .unusable("cannot read image: \(error)")
        }
    }
}
