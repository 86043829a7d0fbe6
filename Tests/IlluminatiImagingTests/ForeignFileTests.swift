import CTIFF
import Testing
@testable import IlluminatiImaging

/// Files as other software writes them: tiles, big-endian byte order, gamma chunks.
@Suite("Reading files written by other software")
struct ForeignFileTests {
    @Test("tiled TIFF with edge tiles", arguments: [TIFFCompression.none, .deflate, .lzw])
    func tiled(compression: TIFFCompression) throws {
        let dir = TemporaryDirectory()
        let image = randomImage(width: 300, height: 200, bitDepth: 16)
        let path = dir.file("tiled.tif")
        try ImageFiles.writeTIFF(image, to: path, compression: compression, tileSize: (64, 64))
        #expect(try ImageFiles.read(path) == image)
    }

    @Test("tiled 8-bit TIFF with tiles larger than the image")
    func tiledSmall() throws {
        let dir = TemporaryDirectory()
        let image = randomImage(width: 21, height: 13, bitDepth: 8)
        let path = dir.file("tiled8.tif")
        try ImageFiles.writeTIFF(image, to: path, compression: .none, tileSize: (32, 16))
        #expect(try ImageFiles.read(path) == image)
    }

    @Test("TIFF with many strips and zstd where libtiff has it")
    func zstdStrips() throws {
        guard TIFFIsCODECConfigured(UInt16(COMPRESSION_ZSTD)) != 0 else { return }
        let dir = TemporaryDirectory()
        let image = randomImage(width: 33, height: 70, bitDepth: 16)
        // Written through libtiff directly: the public writer offers no zstd.
        let zpath = dir.file("zstd.tif")
        let tif = try #require(TIFFOpen(zpath, "w"))
        _ = ctiff_set_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), 33)
        _ = ctiff_set_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), 70)
        _ = ctiff_set_u16(tif, UInt32(TIFFTAG_BITSPERSAMPLE), 16)
        _ = ctiff_set_u16(tif, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_MINISBLACK))
        _ = ctiff_set_u16(tif, UInt32(TIFFTAG_COMPRESSION), UInt16(COMPRESSION_ZSTD))
        _ = ctiff_set_u32(tif, UInt32(TIFFTAG_ROWSPERSTRIP), 8)
        var pixels = image.pixels
        pixels.withUnsafeMutableBytes { raw in
            for strip in 0..<9 {
                let rows = min(8, 70 - strip * 8)
                _ = TIFFWriteEncodedStrip(tif, UInt32(strip), raw.baseAddress! + strip * 8 * 33 * 2, tmsize_t(rows * 33 * 2))
            }
        }
        TIFFClose(tif)
        #expect(try ImageFiles.read(zpath) == image)
    }

    @Test("hand-made single-strip TIFF in both byte orders", arguments: [false, true])
    func byteOrder(bigEndian: Bool) throws {
        let dir = TemporaryDirectory()
        // One 120 kB strip: big enough that libtiff splits it into virtual strips on reading.
        let image = randomImage(width: 300, height: 200, bitDepth: 16)
        let path = dir.file("hand.tif")
        try writeBytes(TIFFBuilder.encode(width: 300, height: 200, bitsPerSample: 16, samples: image.pixels,
                                          bigEndian: bigEndian), to: path)
        #expect(try ImageFiles.read(path) == image)
    }

    @Test("16-bit PNG with gAMA or sRGB reads the stored values, not linearized ones",
          arguments: [PNGBuilder.gammaChunk, PNGBuilder.srgbChunk])
    func gammaChunks(chunk: (String, [UInt8])) throws {
        let dir = TemporaryDirectory()
        let image = randomImage(width: 31, height: 17, bitDepth: 16)
        let path = dir.file("gamma.png")
        try writeBytes(PNGBuilder.encode(width: 31, height: 17, bitDepth: 16, colorType: PNGBuilder.gray,
                                         samples: image.pixels, extraChunks: [chunk]), to: path)
        #expect(try ImageFiles.read(path) == image)
    }

    @Test("8-bit PNG from another encoder widens to UInt16")
    func foreign8bit() throws {
        let dir = TemporaryDirectory()
        let image = randomImage(width: 9, height: 5, bitDepth: 8)
        let path = dir.file("g8.png")
        try writeBytes(PNGBuilder.encode(width: 9, height: 5, bitDepth: 8, colorType: PNGBuilder.gray,
                                         samples: image.pixels, extraChunks: [PNGBuilder.gammaChunk]), to: path)
        #expect(try ImageFiles.read(path) == image)
    }
}
