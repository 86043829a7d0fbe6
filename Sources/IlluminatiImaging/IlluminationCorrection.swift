import Foundation

/// TissueMAPS' illumination correction (§3.2) with its numerical failures removed.
///
/// With M, S the smoothed per-pixel mean and standard deviation of log10 intensities and m̄,
/// s̄ their averages over all pixels, a sample v at pixel p becomes
/// `10^(((log10 v − M)/S)·s̄ + m̄)`, computed as `2^(a·log2 v + c)` with `a = s̄/S` and
/// `c = (m̄ − M·a)·log2 10` precomputed per pixel (Float32), `log2 v` from a table and 2^x
/// from a degree-6 polynomial (relative error < 2e-7), so the loop vectorises. Differences
/// from TissueMAPS:
/// * the result is rounded to the nearest integer and clamped to the image's range instead
///   of truncated and left to overflow;
/// * a zero sample stays 0 (TissueMAPS computed 10^(−10·a)… and truncated it to 0 as well);
/// * S is floored at s̄/64, so a = s̄/S never exceeds 64: no division by a zero spread, no
///   inf or NaN; where every image had the same value the output is 10^m̄ as before;
/// * statistics of fewer than 2 images (no spread at all) correct nothing: samples pass
///   unchanged, where TissueMAPS produced NaN.
/// The same correction applies to every image of the channel, including neighbours that
/// fill a tile's border (TissueMAPS bug 2 corrected those even for excepted channels).
public struct IlluminationCorrection: Sendable {
    public let width: Int
    public let height: Int
    /// True when the statistics cannot describe the illumination (fewer than 2 images).
    public let isIdentity: Bool
    /// Per-pixel exponent a.
    let exponent: [Float]
    /// Memory the maps take (8 bytes a pixel; 8 MiB for 1024² images), for caches that hold corrections.
    public var mapBytes: Int { (exponent.count + offset.count) * MemoryLayout<Float>.stride }
    /// Per-pixel offset c (log2 of the factor b).
    let offset: [Float]

    /// Smooths the statistics (σ = 5 by default, as TissueMAPS does on load) and derives the
    /// maps; `bands` parallel tasks smooth (same result for any number).
    public init(statistics: IlluminationStatistics, sigma: Double = 5, bands: Int = 1) {
        let width = statistics.width, height = statistics.height
        guard statistics.count >= 2 else {
            self.init(identityWidth: width, height: height)
            return
        }
        let maps: (exponent: [Float], offset: [Float])? = statistics.mean.withUnsafeBufferPointer { mean in
            statistics.m2.withUnsafeBufferPointer { m2 in
                nonisolated(unsafe) let mean = mean, m2 = m2
                let smoothedMean = GaussianSmoothing.smoothed(width: width, height: height, sigma: sigma, bands: bands) { y, row in
                    for x in 0..<width { row[x] = mean[y * width + x] }
                }
                let scale = 1 / Double(statistics.count - 1)
                let smoothedSpread = GaussianSmoothing.smoothed(width: width, height: height, sigma: sigma, bands: bands) { y, row in
                    for x in 0..<width { row[x] = (m2[y * width + x] * scale).squareRoot() }
                }
                return Self.maps(mean: smoothedMean, spread: smoothedSpread)
            }
        }
        guard let maps else {
            self.init(identityWidth: width, height: height)
            return
        }
        self.init(width: width, height: height, isIdentity: false, exponent: maps.exponent, offset: maps.offset)
    }

    /// Maps from already smoothed mean and standard deviation images (row-major).
    public init(smoothedMean mean: [Double], smoothedStandardDeviation spread: [Double], width: Int, height: Int) {
        precondition(mean.count == width * height && spread.count == width * height,
                     "correction maps need \(width * height) values")
        guard let maps = Self.maps(mean: mean, spread: spread) else {
            self.init(identityWidth: width, height: height)
            return
        }
        self.init(width: width, height: height, isIdentity: false, exponent: maps.exponent, offset: maps.offset)
    }

    private init(identityWidth width: Int, height: Int) {
        self.init(width: width, height: height, isIdentity: true, exponent: [], offset: [])
    }

    private init(width: Int, height: Int, isIdentity: Bool, exponent: [Float], offset: [Float]) {
        self.width = width
        self.height = height
        self.isIdentity = isIdentity
        self.exponent = exponent
        self.offset = offset
    }

    /// a and c per pixel, or nil when there is no spread to normalise (s̄ = 0) or the
    /// averages are not finite.
    private static func maps<T: BinaryFloatingPoint>(mean: [T], spread: [T]) -> (exponent: [Float], offset: [Float])? {
        let n = Double(max(1, mean.count))
        var meanSum = 0.0, spreadSum = 0.0
        for i in 0..<mean.count {
            meanSum += Double(mean[i])
            spreadSum += Double(spread[i])
        }
        let meanOfMean = meanSum / n, meanOfSpread = spreadSum / n
        guard meanOfMean.isFinite, meanOfSpread.isFinite, meanOfSpread > 0 else { return nil }
        let floor = meanOfSpread / 64
        var exponent = [Float](repeating: 1, count: mean.count)
        var offset = [Float](repeating: 0, count: mean.count)
        let log2Of10 = log2(10.0)
        for i in 0..<mean.count {
            let m = Double(mean[i]), s = Double(spread[i])
            guard m.isFinite, s.isFinite else { continue }
            let a = meanOfSpread / max(s, floor)
            exponent[i] = Float(a)
            offset[i] = Float((meanOfMean - m * a) * log2Of10)
        }
        return (exponent, offset)
    }

    /// The corrected image; same size and bit depth.
    public func apply(_ image: GrayImage) throws -> GrayImage {
        guard image.width == width, image.height == height else {
            throw IlluminationStatisticsError(
                "image is \(image.height)×\(image.width) but the illumination statistics are for \(height)×\(width) images")
        }
        guard !isIdentity else { return image }
        var out = image
        let top = Float(image.maxValue)
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                withMaps { maps in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { scratch in
                        for y in 0..<height {
                            maps.correct(src.baseAddress! + y * width, count: width, first: y * width, top: top,
                                         into: dst.baseAddress! + y * width, scratch: scratch.baseAddress!)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Runs `body` with raw pointers to the maps, for fused loops elsewhere. Not for identity corrections.
    func withMaps<R>(_ body: (CorrectionMaps) throws -> R) rethrows -> R {
        try Log2Table.values.withUnsafeBufferPointer { logs in
            try exponent.withUnsafeBufferPointer { a in
                try offset.withUnsafeBufferPointer { c in
                    try body(CorrectionMaps(logs: logs.baseAddress!, exponent: a.baseAddress!, offset: c.baseAddress!))
                }
            }
        }
    }
}

/// Raw views of a correction's maps for inner loops.
struct CorrectionMaps {
    let logs: UnsafePointer<Float>
    let exponent: UnsafePointer<Float>
    let offset: UnsafePointer<Float>

    /// Corrects `count` consecutive samples whose first is pixel `first` of the image, rounding
    /// to nearest and clamping to `top`; `scratch` holds `count` floats.
    @inline(__always)
    func correct(_ source: UnsafePointer<UInt16>, count: Int, first: Int, top: Float,
                 into out: UnsafeMutablePointer<UInt16>, scratch: UnsafeMutablePointer<Float>) {
        let a = exponent + first, c = offset + first
        // The table lookups (a gather) apart from the arithmetic, which then vectorises.
        for k in 0..<count { scratch[k] = logs[Int(source[k])] }
        for k in 0..<count {
            let value = min(fastExp2(a[k] * scratch[k] + c[k]), top)
            // Adding 2^23 rounds a value in [0, 2^23) to the nearest integer, which then sits in
            // the low mantissa bits: a conversion without range checks.
            out[k] = UInt16(truncatingIfNeeded: (value + 8_388_608).bitPattern & 0x7F_FFFF)
        }
    }
}

/// 2^x for x in [−126, 128), relative error < 2e-7; smaller x give (almost) 0, larger are
/// capped (callers clamp far below). Branch- and check-free, so loops over it vectorise.
@inline(__always)
func fastExp2(_ x: Float) -> Float {
    let clamped = min(max(x, -126), 127.99)
    // Adding 1.5·2^23 rounds to an integer: the floor of x, or one less when x is whole,
    // where f becomes 1, which the polynomial covers. x − whole is then exact.
    let rounded = (clamped - 0.5) + 12_582_912
    let whole = rounded - 12_582_912
    let f = clamped - whole
    // 2^f on [0, 1]: least-squares fit, degree 6.
    var p: Float = 0.00021690609
    p = p * f + 0.0012443082
    p = p * f + 0.0096784726
    p = p * f + 0.055483525
    p = p * f + 0.24022980
    p = p * f + 0.69314699
    p = p * f + 1.0000000
    // The low mantissa bits of `rounded` hold whole + 2^22; the biased exponent is whole + 127.
    let biased = (rounded.bitPattern & 0x7F_FFFF) &- 4_194_177
    return p * Float(bitPattern: biased &<< 23)
}

/// log2 of every 16-bit sample; entry 0 is hugely negative so that 2^(a·log2 0 + c) = 0.
enum Log2Table {
    static let values: [Float] = (0...65535).map { $0 == 0 ? -1e20 : Float(log2(Double($0))) }
}
