import Dispatch
import Foundation

/// The separable Gaussian filter TissueMAPS applies to illumination statistics when it loads
/// them (§3.1: mahotas `gaussian_filter`): kernel radius ⌊4σ + ½⌋, weights normalised to sum
/// 1, borders mirrored with the edge sample repeated (scipy "reflect": … c b a | a b c …).
///
/// Sums are taken in Float64; the pass between rows and columns, and the result, are stored
/// as Float32, which halves the memory of a 2048² map pair (relative error ~1e-7).
public enum GaussianSmoothing {
    /// The normalised kernel, index 0 = offset −radius.
    public static func kernel(sigma: Double) -> [Double] {
        let radius = Int(4 * sigma + 0.5)
        guard sigma > 0, radius > 0 else { return [1] }
        let weights = (-radius...radius).map { k in exp(-Double(k * k) / (2 * sigma * sigma)) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// Smooths a row-major `width`×`height` array; rows are split over `bands` parallel tasks,
    /// which does not change the result.
    public static func smooth(_ values: [Double], width: Int, height: Int, sigma: Double, bands: Int = 1) -> [Double] {
        precondition(values.count == width * height, "smooth: \(values.count) values for \(width)×\(height)")
        return values.withUnsafeBufferPointer { source in
            nonisolated(unsafe) let source = source
            return smoothed(width: width, height: height, sigma: sigma, bands: bands) { y, row in
                for x in 0..<width { row[x] = source[y * width + x] }
            }.map(Double.init)
        }
    }

    /// Smooths the image whose row y `row(y, buffer)` writes into `buffer` (width values).
    /// `row` is called once per row, possibly from several threads at once.
    static func smoothed(width: Int, height: Int, sigma: Double, bands: Int,
                         row fill: @Sendable (Int, UnsafeMutablePointer<Double>) -> Void) -> [Float] {
        let weights = kernel(sigma: sigma)
        let radius = weights.count / 2
        let bandCount = max(1, min(bands, height))
        var rows = [Float](repeating: 0, count: width * height)
        var out = [Float](repeating: 0, count: width * height)
        guard width > 0, height > 0 else { return out }
        weights.withUnsafeBufferPointer { w in
            rows.withUnsafeMutableBufferPointer { rowsOut in
                nonisolated(unsafe) let w = w, rowsOut = rowsOut
                // Along rows: a mirrored copy of the row, then one pass per weight pair, which
                // vectorises (the kernel is symmetric: w[k] = w[2r − k]).
                DispatchQueue.concurrentPerform(iterations: bandCount) { band in
                    let source = UnsafeMutablePointer<Double>.allocate(capacity: width)
                    let line = UnsafeMutablePointer<Double>.allocate(capacity: width + 2 * radius)
                    let sum = UnsafeMutablePointer<Double>.allocate(capacity: width)
                    defer { source.deallocate(); line.deallocate(); sum.deallocate() }
                    for y in (height * band / bandCount)..<(height * (band + 1) / bandCount) {
                        fill(y, source)
                        for i in 0..<(width + 2 * radius) { line[i] = source[reflect(i - radius, width)] }
                        let centre = w[radius]
                        for x in 0..<width { sum[x] = centre * line[x + radius] }
                        for k in 0..<radius {
                            let weight = w[k], left = line + k, right = line + 2 * radius - k
                            for x in 0..<width { sum[x] += weight * (left[x] + right[x]) }
                        }
                        let target = rowsOut.baseAddress! + y * width
                        for x in 0..<width { target[x] = Float(sum[x]) }
                    }
                }
            }
            rows.withUnsafeBufferPointer { rowsIn in
                out.withUnsafeMutableBufferPointer { result in
                    nonisolated(unsafe) let w = w, rowsIn = rowsIn, result = result
                    // Along columns: whole rows at a time, which walks memory in order.
                    DispatchQueue.concurrentPerform(iterations: bandCount) { band in
                        let sum = UnsafeMutablePointer<Double>.allocate(capacity: width)
                        defer { sum.deallocate() }
                        let base = rowsIn.baseAddress!
                        for y in (height * band / bandCount)..<(height * (band + 1) / bandCount) {
                            let centre = w[radius], middle = base + y * width
                            for x in 0..<width { sum[x] = centre * Double(middle[x]) }
                            for k in 0..<radius {
                                let weight = w[k]
                                let above = base + reflect(y + k - radius, height) * width
                                let below = base + reflect(y + radius - k, height) * width
                                for x in 0..<width { sum[x] += weight * (Double(above[x]) + Double(below[x])) }
                            }
                            let target = result.baseAddress! + y * width
                            for x in 0..<width { target[x] = Float(sum[x]) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// scipy's "reflect" border for any index, also when the kernel is wider than the array.
    static func reflect(_ index: Int, _ length: Int) -> Int {
        let period = 2 * length
        var i = index % period
        if i < 0 { i += period }
        return i < length ? i : period - 1 - i
    }
}
