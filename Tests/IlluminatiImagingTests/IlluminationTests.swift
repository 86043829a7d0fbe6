import Foundation
import Testing
@testable import IlluminatiImaging

@Suite("Illumination statistics and correction")
struct IlluminationTests {
    private func image(_ rows: [[UInt16]]) -> GrayImage {
        GrayImage(width: rows[0].count, height: rows.count, bitDepth: 16, pixels: rows.flatMap { $0 })
    }

    @Test("TissueMAPS' toy vector (§3.1)")
    func toyVector() throws {
        var statistics = IlluminationStatistics(width: 2, height: 2)
        try statistics.add(image([[10, 100], [1000, 0]]))
        try statistics.add(image([[100, 100], [10, 1]]))
        #expect(statistics.count == 2)
        #expect(statistics.mean == [1.5, 2.0, 2.0, 0.0])
        let std = statistics.standardDeviation
        let expected = [Double(0.5).squareRoot(), 0, Double(2).squareRoot(), 0]
        for i in 0..<4 { #expect(abs(std[i] - expected[i]) < 1e-12) }
    }

    @Test("merging partials equals one pass over all images")
    func mergeEqualsSinglePass() throws {
        let images = (0..<7).map { randomImage(width: 16, height: 12, bitDepth: 16, seed: UInt64(11 + $0)) }
        var single = IlluminationStatistics(width: 16, height: 12)
        for image in images { try single.add(image) }

        var partials: [IlluminationStatistics] = []
        for range in [0..<3, 3..<4, 4..<7] {
            var partial = IlluminationStatistics(width: 16, height: 12)
            for image in images[range] { try partial.add(image) }
            partials.append(partial)
        }
        let empty = IlluminationStatistics(width: 16, height: 12)
        let merged = try empty.merged(with: partials[0]).merged(with: partials[1]).merged(with: partials[2]).merged(with: empty)
        #expect(merged.count == 7)
        for i in 0..<(16 * 12) {
            #expect(abs(merged.mean[i] - single.mean[i]) < 1e-12)
            #expect(abs(merged.m2[i] - single.m2[i]) < 1e-9 * max(1, single.m2[i]))
        }
        // The other merge order gives the same statistics too.
        let reversed = try partials[2].merged(with: partials[1]).merged(with: partials[0])
        for i in 0..<(16 * 12) { #expect(abs(reversed.mean[i] - single.mean[i]) < 1e-12) }

        var banded = IlluminationStatistics(width: 16, height: 12)
        try banded.add(Array(images[0..<4]), bands: 3)
        try banded.add(Array(images[4...]), bands: 5)
        #expect(banded == single)
        #expect(throws: IlluminationStatisticsError.self) { try single.merge(IlluminationStatistics(width: 3, height: 3)) }
    }

    @Test("statistics file: documented layout, round trip, damage named")
    func statisticsFile() throws {
        var statistics = IlluminationStatistics(width: 5, height: 3)
        for seed in 1...3 { try statistics.add(randomImage(width: 5, height: 3, bitDepth: 16, seed: UInt64(seed))) }
        let bytes = try IlluminationStatisticsFile.encode(statistics, channel: "DAPI")
        let newline = try #require(bytes.firstIndex(of: 0x0A))
        #expect((newline + 1) % 8 == 0)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[..<newline])) as? [String: Any])
        #expect(header["format"] as? String == "illuminati-illumination-statistics")
        #expect(header["channel"] as? String == "DAPI")
        #expect(header["width"] as? Int == 5 && header["height"] as? Int == 3 && header["count"] as? Int == 3)
        #expect(header["dtype"] as? String == "<f8")
        #expect(bytes.count == newline + 1 + 2 * 15 * 8)
        // The first mean value, read as a little-endian float64 right after the header line.
        let first = bytes[(newline + 1)..<(newline + 9)].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        #expect(Double(bitPattern: first) == statistics.mean[0])

        let dir = TemporaryDirectory()
        let path = dir.file("DAPI.illumstats")
        try IlluminationStatisticsFile.write(statistics, channel: "DAPI", to: path)
        let (channel, back) = try IlluminationStatisticsFile.read(path)
        #expect(channel == "DAPI")
        #expect(back == statistics)

        try writeBytes(Array(bytes.dropLast(8)), to: path)
        do {
            _ = try IlluminationStatisticsFile.read(path)
            Issue.record("a truncated file must not load")
        } catch let error as IlluminationStatisticsError {
            #expect(error.reason.contains(path) && error.reason.contains("truncated"))
        }
        try writeBytes(Array("hello\n".utf8), to: path)
        #expect(throws: IlluminationStatisticsError.self) { try IlluminationStatisticsFile.read(path) }
    }

    @Test("Gaussian kernel and reflect border as scipy")
    func smoothing() {
        let kernel = GaussianSmoothing.kernel(sigma: 5)
        #expect(kernel.count == 41)
        #expect(abs(kernel.reduce(0, +) - 1) < 1e-12)
        #expect(kernel[20] > kernel[19] && kernel[19] == kernel[21])
        let reflected = (-7...7).map { GaussianSmoothing.reflect($0, 5) }
        #expect(reflected == [3, 4, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4, 4, 3, 2])

        let constant = [Double](repeating: 2.5, count: 7 * 6)
        #expect(GaussianSmoothing.smooth(constant, width: 7, height: 6, sigma: 5).allSatisfy { abs($0 - 2.5) < 1e-6 })

        // Against a direct 2-D sum with the same weights and border.
        let width = 13, height = 9, sigma = 1.5
        let values = randomImage(width: width, height: height, bitDepth: 12, seed: 3).pixels.map(Double.init)
        let w = GaussianSmoothing.kernel(sigma: sigma), r = w.count / 2
        var direct = [Double](repeating: 0, count: values.count)
        for y in 0..<height {
            for x in 0..<width {
                var sum = 0.0
                for i in -r...r {
                    for j in -r...r {
                        sum += w[i + r] * w[j + r] * values[GaussianSmoothing.reflect(y + i, height) * width + GaussianSmoothing.reflect(x + j, width)]
                    }
                }
                direct[y * width + x] = sum
            }
        }
        let smoothed = GaussianSmoothing.smooth(values, width: width, height: height, sigma: sigma)
        // Float32 between the passes: relative error around 1e-7.
        for i in 0..<values.count { #expect(abs(smoothed[i] - direct[i]) <= 1e-6 * max(1, abs(direct[i]))) }
        #expect(GaussianSmoothing.smooth(values, width: width, height: height, sigma: sigma, bands: 4) == smoothed)
    }

    @Test("TissueMAPS' correction vector (§3.2), rounded and clamped")
    func correctionVector() throws {
        let correction = IlluminationCorrection(smoothedMean: [3.1, 3.0, 2.9, 3.0], smoothedStandardDeviation: [0.2, 0.3, 0.25, 0.25],
                                                width: 2, height: 2)
        #expect(!correction.isIdentity)
        let corrected = try correction.apply(image([[1000, 0], [1, 65535]]))
        // TissueMAPS truncates to [[749, 0], [1, 65534]]; 10^2.875 = 749.89 rounds to 750.
        #expect(corrected.pixels == [750, 0, 1, 65535])
        // A 12-bit image clamps at 4095 instead of overflowing.
        let bright = IlluminationCorrection(smoothedMean: [2.0, 3.0], smoothedStandardDeviation: [0.25, 0.25], width: 2, height: 1)
        let twelve = try bright.apply(GrayImage(width: 2, height: 1, bitDepth: 12, pixels: [4000, 4000]))
        #expect(twelve.pixels == [4095, 1265])  // 4000·10^0.5 clamps; 4000·10^−0.5 = 1264.9
        #expect(throws: IlluminationStatisticsError.self) { try correction.apply(GrayImage(width: 3, height: 1, bitDepth: 16)) }
    }

    @Test("the fast 2^x and the correction agree with the exact formula")
    func fastPathAccuracy() throws {
        var worst = 0.0
        var x: Float = -40
        while x < 20 {
            worst = max(worst, abs(Double(fastExp2(x)) / exp2(Double(x)) - 1))
            x += 0.00731
        }
        #expect(worst < 2e-7)
        #expect(fastExp2(-1e20) < 1e-30)
        #expect(fastExp2(1e20) > 1e38)

        let width = 40, height = 30
        let mean = (0..<(width * height)).map { 2.8 + 0.4 * Double($0 % 17) / 17 }
        let spread = (0..<(width * height)).map { 0.1 + 0.2 * Double($0 % 13) / 13 }
        let correction = IlluminationCorrection(smoothedMean: mean, smoothedStandardDeviation: spread, width: width, height: height)
        let image = randomImage(width: width, height: height, bitDepth: 16, seed: 77)
        let corrected = try correction.apply(image)
        let meanOfMean = mean.reduce(0, +) / Double(mean.count), meanOfSpread = spread.reduce(0, +) / Double(spread.count)
        var differing = 0
        for i in 0..<image.pixels.count {
            let v = Double(image.pixels[i])
            let exact = v == 0 ? 0 : min(65535, (pow(10, (log10(v) - mean[i]) / max(spread[i], meanOfSpread / 64) * meanOfSpread + meanOfMean) + 0.5).rounded(.down))
            let difference = abs(Double(corrected.pixels[i]) - exact)
            #expect(difference <= 1, "pixel \(i): \(corrected.pixels[i]) vs \(exact)")
            if difference > 0 { differing += 1 }
        }
        // Float32 maps and arithmetic: a sample within ~1e-6 (relative) of a rounding boundary
        // may land on the other side; the large samples here make that a few percent.
        #expect(differing < image.pixels.count / 20)
    }

    @Test("zero spread and fewer than two images never give NaN or infinity")
    func degenerateStatistics() throws {
        // Spread 0 at one pixel: its exponent is capped, the output stays in range.
        let capped = IlluminationCorrection(smoothedMean: [3, 3, 2], smoothedStandardDeviation: [0, 0.3, 0.3], width: 3, height: 1)
        let out = try capped.apply(image([[1000, 1001, 100]]))
        // a = 64 at pixel 0; a sample at that pixel's mean (10^3) still maps to 10^m̄ = 10^(8/3) ≈ 464.
        #expect(out.pixels[0] == 464)
        let values = try capped.apply(image([[1, 65535, 7]])).pixels
        #expect(values.allSatisfy { $0 <= 65535 })
        // No spread anywhere: nothing to normalise.
        let flat = IlluminationCorrection(smoothedMean: [3, 3], smoothedStandardDeviation: [0, 0], width: 2, height: 1)
        #expect(flat.isIdentity)
        var one = IlluminationStatistics(width: 2, height: 1)
        try one.add(image([[100, 200]]))
        #expect(one.standardDeviation == [0, 0])
        let identity = IlluminationCorrection(statistics: one)
        #expect(identity.isIdentity)
        #expect(try identity.apply(image([[100, 200]])).pixels == [100, 200])
    }

    @Test("statistics → smoothing → correction flattens a vignetted field")
    func flattensVignetting() throws {
        let width = 32, height = 24
        func field(_ seed: UInt64) -> GrayImage {
            let noise = randomImage(width: width, height: height, bitDepth: 8, seed: seed)
            var pixels = [UInt16](repeating: 0, count: width * height)
            for y in 0..<height {
                for x in 0..<width {
                    let dy = Double(y) / Double(height) - 0.5, dx = Double(x) / Double(width) - 0.5
                    let light = 1 - 1.0 * (dx * dx + dy * dy)
                    pixels[y * width + x] = UInt16(light * (1000 + Double(noise[y, x]) / 4))
                }
            }
            return GrayImage(width: width, height: height, bitDepth: 16, pixels: pixels)
        }
        var statistics = IlluminationStatistics(width: width, height: height)
        for seed in 1...20 { try statistics.add(field(UInt64(seed))) }
        let correction = IlluminationCorrection(statistics: statistics, sigma: 1)
        let test = field(99)
        let corrected = try correction.apply(test)
        // Near the corner, away from the border where smoothing mirrors the field.
        func cornerToCentre(_ image: GrayImage) -> Double {
            Double(image[4, 4]) / Double(image[height / 2, width / 2])
        }
        #expect(cornerToCentre(test) < 0.8)
        #expect(abs(cornerToCentre(corrected) - 1) < 0.1)
    }
}
