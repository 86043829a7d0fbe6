import Testing
@testable import IlluminatiImaging

@Suite("Intensity window, fixed point and 2×2 means")
struct PixelMathTests {
    @Test("window vectors")
    func windowVectors() throws {
        let w = try IntensityWindow(lower: 100, upper: 355)
        let fixed: [(Int, UInt16)] = [(0, 0), (100, 0), (101, 256), (227, 32512), (354, 65024), (355, 65280), (65535, 65280)]
        for (v, f) in fixed { #expect(w.fixedPoint(v) == f, "fixed(\(v))") }
        let bytes: [(Int, UInt8)] = [(100, 0), (101, 1), (227, 127), (353, 253), (354, 254), (355, 255)]
        for (v, b) in bytes { #expect(w.byte(v) == b, "byte(\(v))") }
        let twelve = try IntensityWindow(lower: 0, upper: 4095)
        // f = 2047·255/4095 = 127.47 → fixed ⌊256 f⌋ = 32632 → byte 127.
        #expect(twelve.fixedPoint(2047) == 32632)
        #expect(twelve.byte(2047) == 127)
        #expect(twelve.byte(4094) == 255)  // 254.94 rounds up
        #expect(twelve.byte(4077) == 254)  // 253.88
    }

    @Test("bytes are the correctly rounded window for every sample", arguments: [(0, 65535), (100, 2100), (500, 1523), (10, 11), (0, 255)])
    func roundedWindow(lower: Int, upper: Int) throws {
        let window = try IntensityWindow(lower: lower, upper: upper)
        let table = window.fixedPointTable()
        let span = upper - lower
        for v in 0...65535 {
            #expect(table[v] == window.fixedPoint(v))
            let clamped = min(max(v, lower), upper) - lower
            // ⌊(v − L)·255/(U − L) + ½⌋ in integers.
            let expected = UInt8((2 * clamped * 255 + span) / (2 * span))
            if FixedPoint.byte(table[v]) != expected {
                Issue.record("v = \(v): byte \(FixedPoint.byte(table[v])) expected \(expected)")
                return
            }
        }
    }

    @Test("invalid windows throw")
    func invalidWindows() throws {
        #expect(throws: IntensityWindowError.self) { try IntensityWindow(lower: 5, upper: 5) }
        #expect(throws: IntensityWindowError.self) { try IntensityWindow(lower: -1, upper: 5) }
        #expect(throws: IntensityWindowError.self) { try IntensityWindow(lower: 0, upper: 65536) }
        #expect(try IntensityWindow.fullRange(bitDepth: 12) == IntensityWindow(lower: 0, upper: 4095))
        #expect(IntensityWindow.fullRange(bitDepth: 8).upper == 255)
    }

    @Test("2×2 means round half up; odd edges average what exists")
    func downsampleVectors() {
        // Quarters 1.25, 1.5, 1.75 → 1, 2, 2.
        let even = FixedPoint.downsample([1, 1, 1, 2, 2, 2,
                                          1, 2, 1, 2, 2, 1], width: 6, height: 2)
        #expect(even.width == 3 && even.height == 1)
        #expect(even.pixels == [1, 2, 2])
        let odd = FixedPoint.downsample([0, 1, 2,
                                         3, 4, 5,
                                         6, 7, 8], width: 3, height: 3)
        #expect(odd.width == 2 && odd.height == 2)
        // (0+1+3+4+2)/4 = 2; column edge (2+5)/2 = 3.5 → 4; row edge (6+7)/2 = 6.5 → 7; corner 8.
        #expect(odd.pixels == [2, 4, 7, 8])
        let single = FixedPoint.downsample([65280], width: 1, height: 1)
        #expect(single.pixels == [65280] && single.width == 1 && single.height == 1)
        let max = FixedPoint.downsample([UInt16](repeating: 65280, count: 4), width: 2, height: 2)
        #expect(max.pixels == [65280])
    }

    @Test("fixed point to bytes, with blank detection")
    func toBytes() {
        let source: [UInt16] = [0, 127 * 256 + 127, 127 * 256 + 128, 65280, 0, 0]
        var out = [UInt8](repeating: 9, count: 4)
        let any = source.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { FixedPoint.toBytes(s.baseAddress!, width: 2, height: 2, sourceStride: 3, into: $0.baseAddress!) }
        }
        // Rows [0, 127.5-, …] with pitch 3: (0, 32639), (65280, 0).
        #expect(any)
        #expect(out == [0, 127, 255, 0])
        let zeros = [UInt16](repeating: 127, count: 4)  // below half a step: rounds to 0
        let blank = zeros.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { FixedPoint.toBytes(s.baseAddress!, width: 2, height: 2, sourceStride: 2, into: $0.baseAddress!) }
        }
        #expect(!blank)
        #expect(FixedPoint.byte(128) == 1)
    }

    @Test("histogram percentiles use the inverted CDF")
    func histogramPercentiles() {
        var histogram = IntensityHistogram()
        #expect(histogram.percentile(50) == nil)
        let samples: [UInt16] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
        samples.withUnsafeBufferPointer { histogram.add(samples: $0) }
        #expect(histogram.total == 10)
        #expect(histogram.percentile(0) == 10)
        #expect(histogram.percentile(0.001) == 10)
        #expect(histogram.percentile(10) == 10)
        #expect(histogram.percentile(10.0001) == 20)
        #expect(histogram.percentile(50) == 50)
        #expect(histogram.percentile(99.9) == 100)
        #expect(histogram.percentile(100) == 100)
        var other = IntensityHistogram()
        [UInt16](repeating: 5, count: 10).withUnsafeBufferPointer { other.add(samples: $0) }
        histogram.merge(other)
        #expect(histogram.total == 20)
        #expect(histogram.percentile(50) == 5)
        #expect(histogram.percentile(75) == 50)
    }

    @Test("clip requests: TissueMAPS rules, and --clip-value works")
    func clipRequests() throws {
        var histogram = IntensityHistogram()
        var samples = [UInt16](repeating: 200, count: 100_000)
        samples[0] = 100          // the 0.001 percentile
        samples[99_999] = 9000    // above the 99.9 percentile
        for i in 1...150 { samples[i] = 300 }
        samples.withUnsafeBufferPointer { histogram.add(samples: $0) }

        #expect(try ClipRequest().window(bitDepth: 16, histogram: nil) == IntensityWindow(lower: 0, upper: 65535))
        #expect(try ClipRequest().window(bitDepth: 12, histogram: nil) == IntensityWindow(lower: 0, upper: 4095))
        #expect(try ClipRequest(upper: .none, lower: 50).window(bitDepth: 12, histogram: nil) == IntensityWindow(lower: 50, upper: 4095))
        // Percentile 99.9 is 300 here: the low-signal guard lifts it to lower + 255.
        #expect(try ClipRequest(upper: .percentile(99.9)).window(bitDepth: 16, histogram: histogram)
                == IntensityWindow(lower: 100, upper: 355))
        #expect(try ClipRequest(upper: .percentile(99.9)).window(bitDepth: 8, histogram: histogram)
                == IntensityWindow(lower: 100, upper: 300))
        #expect(try ClipRequest(upper: .percentile(100)).window(bitDepth: 16, histogram: histogram)
                == IntensityWindow(lower: 100, upper: 9000))
        // --clip-value: the lower end comes from the histogram (TissueMAPS crashed here) …
        #expect(ClipRequest(upper: .value(5000)).needsHistogram)
        #expect(try ClipRequest(upper: .value(5000)).window(bitDepth: 16, histogram: histogram)
                == IntensityWindow(lower: 100, upper: 5000))
        // … or is given, and then the window is exactly [lower, value] with no data needed.
        let exact = ClipRequest(upper: .value(2100), lower: 100)
        #expect(!exact.needsHistogram)
        #expect(try exact.window(bitDepth: 16, histogram: nil) == IntensityWindow(lower: 100, upper: 2100))
        #expect(throws: ClipError.self) { try ClipRequest(upper: .value(50), lower: 100).window(bitDepth: 16, histogram: nil) }
        #expect(throws: ClipError.self) { try ClipRequest(upper: .percentile(99)).window(bitDepth: 16, histogram: nil) }
        #expect(throws: ClipError.self) { try ClipRequest(upper: .percentile(0)).window(bitDepth: 16, histogram: histogram) }
    }
}
