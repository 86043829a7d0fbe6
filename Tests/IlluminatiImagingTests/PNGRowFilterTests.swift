import Testing
@testable import IlluminatiImaging
@testable import IlluminatiSample

/// The five PNG row filters undone on hand-computed vectors (PNG spec §9.2).
@Suite("PNG row filters")
struct PNGRowFilterTests {
    /// Unfilters `rows` (each: filter byte, then bytes) and returns the raw rows.
    private func unfilter(_ rows: [[UInt8]], bytesPerPixel: Int) throws -> [[UInt8]] {
        let rowBytes = rows[0].count - 1
        var data = rows.flatMap { $0 }
        try data.withUnsafeMutableBufferPointer {
            try PNGRowFilter.unfilter($0, rowBytes: rowBytes, rows: rows.count, bytesPerPixel: bytesPerPixel)
        }
        return rows.indices.map { Array(data[($0 * (rowBytes + 1) + 1)..<(($0 + 1) * (rowBytes + 1))]) }
    }

    // Raw rows [10, 20, 30] and [15, 5, 250], one byte per pixel.
    private let first: [UInt8] = [10, 20, 30], second: [UInt8] = [15, 5, 250]

    @Test func none() throws {
        #expect(try unfilter([[0] + first, [0] + second], bytesPerPixel: 1) == [first, second])
    }

    @Test func sub() throws {
        // 10, 20−10, 30−20 | 15, 5−15, 250−5 (mod 256)
        #expect(try unfilter([[1, 10, 10, 10], [1, 15, 246, 245]], bytesPerPixel: 1) == [first, second])
    }

    @Test func up() throws {
        // The first row's "above" is zero; then 15−10, 5−20, 250−30.
        #expect(try unfilter([[2, 10, 20, 30], [2, 5, 241, 220]], bytesPerPixel: 1) == [first, second])
    }

    @Test func average() throws {
        // First row: 10−0, 20−⌊10/2⌋, 30−⌊20/2⌋; second: 15−⌊(0+10)/2⌋, 5−⌊(15+20)/2⌋, 250−⌊(5+30)/2⌋.
        #expect(try unfilter([[3, 10, 15, 20], [3, 10, 244, 233]], bytesPerPixel: 1) == [first, second])
    }

    @Test func paeth() throws {
        // First row: Paeth with nothing above picks the left byte (Sub). Second row: x=0 picks
        // above (10), x=1 (a 15, b 20, c 10: p 25) picks above (20), x=2 (a 5, b 30, c 20: p 15)
        // picks upper left (20).
        #expect(try unfilter([[4, 10, 10, 10], [4, 5, 241, 230]], bytesPerPixel: 1) == [first, second])
    }

    @Test func paethPicksNearestAndBreaksTiesLeftAboveUpperLeft() {
        #expect(PNGRowFilter.paeth(8, 4, 4) == 8)  // p 8: left exact
        #expect(PNGRowFilter.paeth(4, 8, 4) == 8)  // p 8: above exact
        #expect(PNGRowFilter.paeth(3, 9, 6) == 6)  // p 6: upper left exact
        #expect(PNGRowFilter.paeth(2, 5, 4) == 2)  // p 3: left and upper left both 1 away → left
        #expect(PNGRowFilter.paeth(8, 2, 6) == 2)  // p 4: above and upper left both 2 away → above
        #expect(PNGRowFilter.paeth(250, 250, 0) == 250)  // p 500: no wrap-around in the arithmetic
    }

    @Test("16-bit samples: the filters reach two bytes back, one sample")
    func sixteenBit() throws {
        // Raw samples 0x1234, 0x1240 | 0x1300, 0x0001 as big-endian byte pairs.
        let top: [UInt8] = [0x12, 0x34, 0x12, 0x40], bottom: [UInt8] = [0x13, 0x00, 0x00, 0x01]
        // Sub: bytes 2 and 3 minus bytes 0 and 1. Average on the second row:
        // 0x13−⌊0x12/2⌋, 0x00−⌊0x34/2⌋, 0x00−⌊(0x13+0x12)/2⌋, 0x01−⌊(0x00+0x40)/2⌋.
        #expect(try unfilter([[1, 0x12, 0x34, 0x00, 0x0C], [3, 0x0A, 0xE6, 0xEE, 0xE1]], bytesPerPixel: 2) == [top, bottom])
        // Up, then Paeth: x=0,1 pick above (0x12, 0x34); x=2 (a 0x13, b 0x12, c 0x12: p 0x13) picks
        // left; x=3 (a 0x00, b 0x40, c 0x34: p 0x0C) picks left (pa 12 < pc 40).
        #expect(try unfilter([[2, 0x12, 0x34, 0x12, 0x40], [4, 0x01, 0xCC, 0xED, 0x01]], bytesPerPixel: 2) == [top, bottom])
    }

    /// Rows of every length from one pixel past several 8-byte words, each filter type above
    /// and below every other, against the spec's definition byte by byte (left and upper left
    /// read back from the bytes already undone). The word-at-a-time Sub and the register-held
    /// left pixels of Average and Paeth must agree with it at every offset and in the tail.
    @Test("word-at-a-time undoing equals the byte-by-byte definition", arguments: [1, 2])
    func againstDefinition(bytesPerPixel bpp: Int) throws {
        var random = SplitMix64(seed: 20)
        for rowBytes in stride(from: bpp, through: 41 * bpp, by: bpp) {
            var rows: [[UInt8]] = []
            for type: UInt8 in [1, 4, 3, 2, 0, 1, 3, 4, 2, 1, 1, 4, 4, 3, 3] {
                rows.append([type] + (0..<rowBytes).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            }
            var expected: [[UInt8]] = []
            for (y, row) in rows.enumerated() {
                var raw = [UInt8](repeating: 0, count: rowBytes)
                for i in 0..<rowBytes {
                    let a = i >= bpp ? Int(raw[i - bpp]) : 0
                    let b = y > 0 ? Int(expected[y - 1][i]) : 0
                    let c = y > 0 && i >= bpp ? Int(expected[y - 1][i - bpp]) : 0
                    let prediction: Int
                    switch row[0] {
                    case 0: prediction = 0
                    case 1: prediction = a
                    case 2: prediction = b
                    case 3: prediction = (a + b) / 2
                    default:
                        let p = a + b - c
                        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                        prediction = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                    }
                    raw[i] = UInt8((Int(row[1 + i]) + prediction) & 0xFF)
                }
                expected.append(raw)
            }
            #expect(try unfilter(rows, bytesPerPixel: bpp) == expected, "row length \(rowBytes)")
        }
    }

    @Test("an unknown filter type names its row")
    func unknownType() {
        #expect(throws: PNGRowFilter.BadFilterType(row: 1, type: 5)) {
            try unfilter([[0, 1, 2, 3], [5, 1, 2, 3]], bytesPerPixel: 1)
        }
    }
}

