import Foundation
import IlluminatiCore
import IlluminatiImaging

/// Decides each layer's intensity window once, when a build is planned (TissueMAPS §3.4),
/// from a histogram of up to `limit` of the layer's images, evenly spaced over the plate.
public enum LayerWindows {
    public static func decide(sites: [SiteSource], clip: ClipRequest, bitDepth: Int, expectation: ImageExpectation,
                              limit: Int, threads: Int) throws -> IntensityWindow {
        guard clip.needsHistogram else { return try clip.window(bitDepth: bitDepth, histogram: nil) }
        let paths = sites.count <= limit ? sites.map(\.path) : (0..<limit).map { sites[$0 * sites.count / limit].path }
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
}
