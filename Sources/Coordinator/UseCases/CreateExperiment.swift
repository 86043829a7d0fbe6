import Dispatch
import Foundation
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiImaging
import Logging

/// `experiment create`: read the manifest, check every row and every file header, and
/// store the experiment — all or nothing.
struct CreateExperiment {
    var logger: Logger

    func run(name: String, manifest: String, pixelSize: Double? = nil, store: ExperimentStore) throws -> (Experiment, PlateLayout) {
        let manifestPath = Manifest.resolvePath(manifest, relativeTo: FileManager.default.currentDirectoryPath)
        guard ExperimentBuilder.isValidExperimentName(name) else {
            throw InputError("bad experiment name \"\(name)\" (letters, digits and . _ - only, at most 64, starting with a letter or digit)")
        }
        if try store.exists(name) { throw ExperimentStoreError.alreadyExists(name) }
        let text = try ManifestFile.text(at: manifestPath)
        let directory = (manifestPath as NSString).deletingLastPathComponent
        let (entries, parseProblems) = Manifest.entries(text: text, format: ManifestFormat(path: manifestPath), directory: directory)
        let files = probe(Array(Set(entries.map(\.path))))
        let (experiment, buildProblems) = ExperimentBuilder.build(name: name, manifestPath: manifestPath, entries: entries, files: files)
        let problems = parseProblems + buildProblems
        guard problems.isEmpty, let experiment else {
            throw ManifestError(source: manifestPath, problems: problems.isEmpty ? [ManifestProblem(line: 0, "no images")] : problems)
        }
        let layout: PlateLayout
        do {
            layout = try PlateLayout(experiment.layoutSpec)
        } catch {
            throw InputError("cannot lay out the plates of \(manifestPath): \(error)")
        }
        let id = try store.create(experiment, layout: layout)
        if let pixelSize { try store.setPixelSize(experimentID: id, micrometres: pixelSize) }
        return (experiment, layout)
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

    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return nsError.localizedDescription
    }
}
