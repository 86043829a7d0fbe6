import Foundation
import IlluminatiImaging

/// A deterministic synthetic high-content-screening plate: fluorescence images of cells
/// plus the manifest that describes them, for demos, tests and benchmarks.
public enum SamplePlate {
    /// Writes the images under `directory`/images and `directory`/manifest.csv.
    /// The same spec always produces byte-identical files. `progress(done, total)` is called
    /// after each image, from worker threads.
    public static func generate(_ spec: SamplePlateSpec, into directory: String,
                                progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> SamplePlateResult {
        let plan = try SamplePlan(spec)
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        try createDirectories(for: plan, under: root)

        let total = plan.acquisitions.count
        let state = GenerationState()
        DispatchQueue.concurrentPerform(iterations: total) { index in
            guard !state.hasFailed else { return }
            let a = plan.acquisitions[index]
            let pixels = FieldRenderer.render(plan.request(for: a))
            let image = GrayImage(width: spec.width, height: spec.height, bitDepth: spec.bitDepth, pixels: pixels)
            do {
                try ImageFiles.write(image, to: root + "/" + a.path, format: spec.format)
            } catch {
                state.fail(error)
                return
            }
            let done = state.finishOne()
            progress?(done, total)
        }
        if let error = state.firstError { throw error }

        let manifestPath = root + "/manifest.csv"
        do {
            try Data(SampleManifest.text(plan).utf8).write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
        } catch {
            throw SamplePlateError("cannot write \(manifestPath): \(error.localizedDescription)")
        }
        return SamplePlateResult(manifestPath: manifestPath, imageCount: total,
                                 channelNames: (0..<spec.channels).map(SampleChannels.name))
    }

    private static func createDirectories(for plan: SamplePlan, under root: String) throws {
        var directories = Set<String>()
        for a in plan.acquisitions { directories.insert((a.path as NSString).deletingLastPathComponent) }
        for directory in directories.sorted() {
            do {
                try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
            } catch {
                throw SamplePlateError("cannot create \(root)/\(directory): \(error.localizedDescription)")
            }
        }
    }
}

/// Progress and the first failure, shared by the worker threads.
private final class GenerationState: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var error: (any Error)?

    var hasFailed: Bool { lock.withLock { error != nil } }
    var firstError: (any Error)? { lock.withLock { error } }

    func fail(_ error: any Error) {
        lock.withLock { if self.error == nil { self.error = error } }
    }

    func finishOne() -> Int {
        lock.withLock {
            done += 1
            return done
        }
    }
}
