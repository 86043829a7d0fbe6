import IlluminatiCore
import Testing
@testable import IlluminatiImaging

@Suite("Alignment and the fused site projection")
struct AlignmentTests {
    private func numbered(_ width: Int, _ height: Int) -> GrayImage {
        GrayImage(width: width, height: height, bitDepth: 16, pixels: (1...(width * height)).map { UInt16($0) })
    }

    @Test("residues from shifts (§3.3 vector)")
    func residues() {
        let residues = SiteResidues(shifts: [PixelOffset(y: 0, x: 0), PixelOffset(y: 1, x: -1), PixelOffset(y: -2, x: 2)])
        #expect(residues == SiteResidues(top: 1, bottom: 2, left: 2, right: 1))
        #expect(SiteResidues(shifts: []) == .none)
    }

    @Test("shift (1, −1) with residues T1 B2 L2 R1 on a 6×6 image (§3.3 vector)")
    func shiftAndCrop() {
        let out = Alignment.apply(numbered(6, 6), shift: PixelOffset(y: 1, x: -1),
                                  residues: SiteResidues(top: 1, bottom: 2, left: 2, right: 1))
        // Source rows 0–2, columns 3–5 land in rows 1–3, columns 2–4; the rest is 0.
        let expected: [[UInt16]] = [
            [0, 0, 0, 0, 0, 0],
            [0, 0, 4, 5, 6, 0],
            [0, 0, 10, 11, 12, 0],
            [0, 0, 16, 17, 18, 0],
            [0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0],
        ]
        #expect(out.pixels == expected.flatMap { $0 })
        // Residues that do not cover the shift never read outside the source.
        let unsafe = Alignment.apply(numbered(4, 3), shift: PixelOffset(y: 2, x: 0), residues: .none)
        #expect(unsafe.pixels == [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4])
    }

    @Test("the fused projection equals correction, then alignment, then window")
    func projectionMatchesSteps() throws {
        let image = randomImage(width: 9, height: 7, bitDepth: 12, seed: 5)
        let correction = IlluminationCorrection(
            smoothedMean: (0..<63).map { 2.5 + Double($0 % 5) * 0.05 },
            smoothedStandardDeviation: (0..<63).map { 0.2 + Double($0 % 3) * 0.02 }, width: 9, height: 7)
        let shift = PixelOffset(y: -1, x: 2)
        let residues = SiteResidues(top: 0, bottom: 1, left: 2, right: 0)
        let window = try IntensityWindow(lower: 100, upper: 3000)
        let table = window.fixedPointTable()

        let steps = Alignment.apply(try correction.apply(image), shift: shift, residues: residues)
        let valid = Alignment.validRegion(height: 7, width: 9, shift: shift, residues: residues)

        // Canvas 6×12 at base origin (10, 20); the site at (12, 17) is cut on the left.
        let origin = PixelOffset(y: 10, x: 20), offset = PixelOffset(y: 12, x: 17)
        var canvas = [UInt16](repeating: 7, count: 6 * 12)
        try table.withUnsafeBufferPointer { t in
            try canvas.withUnsafeMutableBufferPointer { c in
                try SiteProjection.paste(image, at: offset, shift: shift, residues: residues, correction: correction,
                                         table: t, into: c.baseAddress!, canvasOrigin: origin, canvasWidth: 12, canvasHeight: 6)
            }
        }
        for cy in 0..<6 {
            for cx in 0..<12 {
                let r = origin.y + cy - offset.y, c = origin.x + cx - offset.x
                let inside = valid.rows.contains(r) && valid.columns.contains(c)
                let expected: UInt16 = inside ? window.fixedPoint(Int(steps[r, c])) : 7  // untouched outside
                #expect(canvas[cy * 12 + cx] == expected, "canvas (\(cy), \(cx))")
            }
        }

        // Without correction, the same through the plain path.
        var plain = [UInt16](repeating: 0, count: 7 * 9)
        try table.withUnsafeBufferPointer { t in
            try plain.withUnsafeMutableBufferPointer { c in
                try SiteProjection.paste(image, at: PixelOffset(y: 0, x: 0), shift: .init(y: 0, x: 0), residues: .none,
                                         correction: nil, table: t, into: c.baseAddress!, canvasOrigin: .init(y: 0, x: 0),
                                         canvasWidth: 9, canvasHeight: 7)
            }
        }
        #expect(plain == image.pixels.map { window.fixedPoint(Int($0)) })
    }

    @Test("statistics of another size are refused")
    func correctionSizeMismatch() throws {
        let correction = IlluminationCorrection(smoothedMean: [3, 3], smoothedStandardDeviation: [0.2, 0.3], width: 2, height: 1)
        let table = IntensityWindow.fullRange(bitDepth: 16).fixedPointTable()
        var canvas = [UInt16](repeating: 0, count: 16)
        #expect(throws: IlluminationStatisticsError.self) {
            try table.withUnsafeBufferPointer { t in
                try canvas.withUnsafeMutableBufferPointer { c in
                    try SiteProjection.paste(randomImage(width: 4, height: 4, bitDepth: 16), at: .init(y: 0, x: 0), shift: .init(y: 0, x: 0),
                                             residues: .none, correction: correction, table: t, into: c.baseAddress!,
                                             canvasOrigin: .init(y: 0, x: 0), canvasWidth: 4, canvasHeight: 4)
                }
            }
        }
    }

    /// Issue 13 item 8: a shift of 100 000 pixels reached a worker and trapped it in `paste`
    /// ("Range requires lowerBound <= upperBound"). Whatever the shift, nothing of the site
    /// is pasted when it moves the whole site away, and nothing traps.
    @Test("shifts beyond the site paste nothing and never trap", arguments: [
        PixelOffset(y: 100_000, x: 0), PixelOffset(y: -100_000, x: 0), PixelOffset(y: 0, x: 100_000),
        PixelOffset(y: 0, x: -100_000), PixelOffset(y: 4, x: 0), PixelOffset(y: -4, x: 3),
        PixelOffset(y: Int.max, x: Int.min), PixelOffset(y: Int.min, x: Int.max),
    ])
    func shiftsBeyondTheSite(shift: PixelOffset) throws {
        let image = numbered(5, 4)
        let table = IntensityWindow.fullRange(bitDepth: 16).fixedPointTable()
        let huge = SiteResidues(top: 100_000, bottom: 100_000, left: 100_000, right: 100_000)
        for residues in [SiteResidues.none, huge] {
            for origin in [PixelOffset(y: 0, x: 0), PixelOffset(y: 2, x: -3), PixelOffset(y: -50, x: 7)] {
                var canvas = [UInt16](repeating: 7, count: 6 * 8)
                try table.withUnsafeBufferPointer { t in
                    try canvas.withUnsafeMutableBufferPointer { c in
                        try SiteProjection.paste(image, at: PixelOffset(y: 0, x: 0), shift: shift, residues: residues,
                                                 correction: nil, table: t, into: c.baseAddress!, canvasOrigin: origin,
                                                 canvasWidth: 8, canvasHeight: 6)
                    }
                }
                #expect(canvas.allSatisfy { $0 == 7 }, "shift \(shift), residues \(residues), origin \(origin)")
            }
        }
        let valid = Alignment.validRegion(height: 4, width: 5, shift: shift, residues: .none)
        #expect(valid.rows.isEmpty || valid.columns.isEmpty)
        #expect(Alignment.apply(image, shift: shift, residues: .none).pixels.allSatisfy { $0 == 0 })
    }
}
