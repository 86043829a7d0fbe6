import Testing
@testable import IlluminatiImaging

/// Exact vectors for the checks that refuse a cut image at probe, without decoding it
/// (issue 13 item 6).
@Suite struct DataExtentTests {
    @Test func tiffPiecesMustLieInsideTheFile() {
        typealias Piece = TIFFDataExtents.Piece
        let pieces = [Piece(offset: 8, byteCount: 100, needed: 100), Piece(offset: 108, byteCount: 92, needed: 92)]
        #expect(TIFFDataExtents.problem(pieces, fileSize: 200, kind: "strip") == nil)
        #expect(TIFFDataExtents.problem(pieces, fileSize: 199, kind: "strip")
                == "truncated or damaged TIFF: strip 1 lies at bytes 108…199 but the file has 199 bytes")
        #expect(TIFFDataExtents.problem([Piece(offset: 8, byteCount: 50, needed: 64)], fileSize: 1000, kind: "tile")
                == "truncated or damaged TIFF: uncompressed tile 0 holds 50 bytes, 64 needed")
        #expect(TIFFDataExtents.problem([Piece(offset: 8, byteCount: 50, needed: nil)], fileSize: 58, kind: "tile") == nil)
        #expect(TIFFDataExtents.problem([Piece(offset: 8, byteCount: 0, needed: nil)], fileSize: 58, kind: "strip")
                == "strip 0 has no data (byte count 0)")
        #expect(TIFFDataExtents.problem([Piece(offset: .max, byteCount: 2, needed: nil)], fileSize: 58, kind: "strip")
                == "truncated or damaged TIFF: strip 0 lies at bytes 18446744073709551615…0 but the file has 58 bytes")
    }

    @Test func pngChunkListMustReachIEND() {
        let png = PNGBuilder.encode(width: 3, height: 2, bitDepth: 8, colorType: PNGBuilder.gray, samples: [1, 2, 3, 4, 5, 6])
        func problem(_ bytes: [UInt8]) -> String? {
            PNGChunkList.problem(fileSize: bytes.count) { offset, count in Array(bytes[offset..<min(bytes.count, offset + count)]) }
        }
        #expect(problem(png) == nil)
        #expect(problem(png + [0, 0, 0]) == nil)  // bytes after IEND are ignored, as by libpng
        // Signature 8 + IHDR 25 = 33: the IDAT chunk header starts there.
        let idatLength = png[33..<37].reduce(0) { $0 << 8 | Int($1) }
        #expect(problem(Array(png.prefix(45))) == "truncated PNG: the IDAT chunk at byte 33 needs \(12 + idatLength) bytes but the file ends after 12")
        #expect(problem(Array(png.prefix(40))) == "truncated PNG: the file ends at byte 40 before the IEND chunk")
        #expect(problem(Array(png.dropLast(12))) == "truncated PNG: the file ends at byte \(png.count - 12) before the IEND chunk")
        #expect(problem(Array(png.prefix(33))) == "truncated PNG: the file ends at byte 33 before the IEND chunk")
        let noData = Array(png.prefix(33)) + Array(png.suffix(12))
        #expect(problem(noData) == "damaged PNG: no image data (IDAT chunk)")
        var garbage = png
        garbage[37] = 0x00
        #expect(problem(garbage) == "damaged PNG: no valid chunk at byte 33")
    }
}
