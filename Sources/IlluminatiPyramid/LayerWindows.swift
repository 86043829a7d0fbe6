import Foundation
import IlluminatiCore
import IlluminatiImaging

/// Decides each layer's intensity window once, when a build is planned (TissueMAPS §3.4),
/// from a histogram of a deterministic sample of the layer's images (`sample`).
public enum LayerWindows {
    /// At most this many of a PNG layer's images are counted: a PNG must be inflated whole to
    /// read any of it, several times a TIFF's cost, and `init` would otherwise decode the whole
    /// experiment once before the build does it again.
    public static let pngSampleLimit = 16

    public static func decide(sites: [SiteSource], clip: ClipRequest, bitDepth: Int, expectation: ImageExpectation,
                              limit: Int, threads: Int) throws -> IntensityWindow {
        guard clip.needsHistogram else { return try clip.window(bitDepth: bitDepth, histogram: nil) }
        let paths = sample(sites.map(\.path), limit: limit)
        let lanes = max(1, min(threads, paths.count))
        let partials = UnsafeMutableBufferPointer<Result<IntensityHistogram, any Error>>.allocate(capacity: lanes)
        partials.initialize(repeating: .success(IntensityHistogram()))
        defer { partials.deallocate() }
        nonisolated(unsafe) let slots = partials
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            var histogram = IntensityHistogram()
            do {
                for index in stride(from: lane, to: paths.count, by: lanes) {
                    histogram.add(try ImageFiles.read(paths[index], expecting: expectation))
                }
                slots[lane] = .success(histogram)
            } catch {
                slots[lane] = .failure(error)
            }
        }
        var total = IntensityHistogram()
        for partial in partials { total.merge(try partial.get()) }
        return try clip.window(bitDepth: bitDepth, histogram: total)
    }

    /// The images counted: all of them up to `limit` (`pngSampleLimit` when any is a PNG), else
    /// that many evenly spaced over the layer's (plate, well, site) order, the first included.
    /// The same experiment always gives the same sample.
    public static func sample(_ paths: [String], limit: Int) -> [String] {
        let isPNG = paths.contains { ImageFileFormat(path: $0) == .png }
        let count = min(limit, isPNG ? pngSampleLimit : limit)
        guard paths.count > count else { return paths }
        return (0..<count).map { paths[$0 * paths.count / count] }
    }
}
