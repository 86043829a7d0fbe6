import Testing
@testable import IlluminatiImaging

/// The fast PNG decoder (libdeflate + `PNGRowFilter`) against libpng on real files: what libpng
/// writes, and files whose rows use every filter type; broken files still fail with libpng's
/// message.
@Suite("PNG decoding without libpng")
struct PNGDecoderTests {
    let dir = TemporaryDirectory()

    /// Reads `path` both ways, checks they agree and that the fast decoder did decode it.
    private func readBothWays(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> GrayImage {
        let fast = try PNGFile.read(path)
        let reference = try PNGFile.read(path, decoder: .libpng)
        #expect(fast == reference, sourceLocation: sourceLocation)
        #expect(PNGImageData.decode(path: path, width: fast.width, height: fast.height,
                                    bitsPerSample: fast.bitDepth <= 8 ? 8 : 16) == fast.pixels,
                "the fast decoder refused a plain file", sourceLocation: sourceLocation)
        return fast
    }

    @Test("libpng-written files, Sub only and adaptive filters, compression levels 1 and 9",
          arguments: [(16, true, 1), (16, false, 9), (8, true, 1), (8, false, 6), (12, false, 9)])
    func libpngWritten(bitDepth: Int, subOnly: Bool, level: Int) throws {
        // Random samples beside smooth gradients, so that libpng's adaptive choice varies by row.
        var image = randomImage(width: 133, height: 71, bitDepth: bitDepth)
        for y in stride(from: 0, to: image.height, by: 3) {
            for x in 0..<image.width { image[y, x] = UInt16((x * 7 + y * 3) % (1 << min(bitDepth, 16))) }
        }
        let path = dir.file("libpng-\(bitDepth)-\(subOnly)-\(level).png")
        try PNGFile.write(image.pixels, width: image.width, height: image.height,
                          containerBits: bitDepth <= 8 ? 8 : 16, significantBits: bitDepth, to: path,
                          compressionLevel: level, subFilterOnly: subOnly)
        #expect(try readBothWays(path) == image)
    }

    @Test("rows with every filter type, in several IDAT chunks", arguments: [8, 16])
    func everyFilter(bitDepth: Int) throws {
        let image = randomImage(width: 37, height: 23, bitDepth: bitDepth, seed: 11)
        let path = dir.file("filters-\(bitDepth).png")
        try writeBytes(PNGBuilder.encode(width: image.width, height: image.height, bitDepth: bitDepth,
                                         colorType: PNGBuilder.gray, samples: image.pixels,
                                         filters: [0, 1, 2, 3, 4, 4, 3, 2, 1], idatSize: 100), to: path)
        #expect(try readBothWays(path).pixels == image.pixels)
    }

    @Test("a damaged IDAT is left to libpng: the same image or the same message as before",
          arguments: [(0, "CRC"), (1, "data")])
    func damagedImageData(fromEnd: Int, what: String) throws {
        let path = dir.file("damaged-\(what).png")
        let image = randomImage(width: 40, height: 30, bitDepth: 16)
        try ImageFiles.write(image, to: path)
        var bytes = try fileBytes(path)
        // The first IDAT's last CRC byte, or the last byte of its data.
        let idat = try #require((8..<bytes.count - 4).first { bytes[$0..<$0 + 4].elementsEqual("IDAT".utf8) })
        let length = bytes[(idat - 4)..<idat].reduce(0) { $0 << 8 | Int($1) }
        bytes[idat + 4 + length + 3 - 4 * fromEnd] ^= 0x01
        try writeBytes(bytes, to: path)
        #expect(PNGImageData.decode(path: path, width: 40, height: 30, bitsPerSample: 16) == nil)
        func outcome(_ decoder: PNGFile.Decoder) -> String {
            do {
                return try PNGFile.read(path, decoder: decoder).pixels == image.pixels ? "the image" : "other pixels"
            } catch {
                return "\(error)"
            }
        }
        let fast = outcome(.fast)
        #expect(fast == outcome(.libpng))
        if what == "data" { #expect(fast.contains("libpng: IDAT"), "\(fast)") }
    }

    @Test("a stream that inflates to less than the image is refused")
    func shortStream() throws {
        let image = randomImage(width: 8, height: 4, bitDepth: 16)
        let bytes = PNGBuilder.encode(width: 8, height: 4, bitDepth: 16, colorType: PNGBuilder.gray, samples: image.pixels)
        var file = bytes
        let length = try #require(file.withUnsafeMutableBufferPointer { PNGImageData.gatherZlibStream(in: $0) })
        func decode(height: Int) -> [UInt16]? {
            file.withUnsafeBufferPointer {
                PNGImageData.decode(stream: UnsafeBufferPointer(rebasing: $0[0..<length]), width: 8, height: height, bitsPerSample: 16)
            }
        }
        #expect(decode(height: 4) == image.pixels)
        #expect(decode(height: 5) == nil)
        #expect(decode(height: 3) == nil)
    }
}
