import Foundation
import Testing
@testable import IlluminatiImaging

@Suite("Write then read returns the same samples")
struct RoundTripTests {
    @Test("16-bit TIFF", arguments: [TIFFCompression.none, .lzw, .deflate])
    func tiff16(compression: TIFFCompression) throws {
        let dir = TemporaryDirectory()
        let image = randomImage(width: 97, height: 61, bitDepth: 16)
        let path = dir.file("a.tif")
        try ImageFiles.write(image, to: path, compression: compression)
        #expect(try ImageFiles.read(path) == image)
        #expect(try ImageFiles.probe(path) == ImageFileInfo(format: .tiff, width: 97, height: 61, bitsPerSample: 16,
                                                           bitDepth: 16, samplesPerPixel: 1))
    }

    @Test("8-bit TIFF", arguments: [TIFFCompression.none, .lzw, .deflate])
    func tiff8(compression: TIFFCompression) throws {
        let dir = TemporaryDirectory()
        let image = randomImage(width: 50, height: 33, bitDepth: 8)
        let path = dir.file("a.tiff")
        try ImageFiles.write(image, to: path, compression: compression)
        #expect(try ImageFiles.read(path) == image)
        #expect(try ImageFiles.probe(path).bitsPerSample == 8)
    }

    @Test("16-bit and 8-bit PNG", arguments: [16, 8])
    func png(bitDepth: Int) throws {
        let dir = TemporaryDirectory()
        let image = randomImage(width: 77, height: 45, bitDepth: bitDepth)
        let path = dir.file("a.png")
        try ImageFiles.write(image, to: path)
        #expect(try ImageFiles.read(path) == image)
        #expect(try ImageFiles.probe(path) == ImageFileInfo(format: .png, width: 77, height: 45, bitsPerSample: bitDepth,
                                                           bitDepth: bitDepth, samplesPerPixel: 1))
    }

    @Test("12-bit data records its significant bits", arguments: ["a.tif", "a.png"])
    func twelveBit(name: String) throws {
        let dir = TemporaryDirectory()
        let image = randomImage(width: 40, height: 30, bitDepth: 12)
        let path = dir.file(name)
        try ImageFiles.write(image, to: path)
        let info = try ImageFiles.probe(path)
        #expect(info.bitsPerSample == 16)
        #expect(info.bitDepth == 12)
        let back = try ImageFiles.read(path)
        #expect(back == image)
        #expect(back.bitDepth == 12)
    }

    @Test("an explicit format wins over an unknown extension")
    func explicitFormat() throws {
        let dir = TemporaryDirectory()
        let image = randomImage(width: 20, height: 10, bitDepth: 16)
        let path = dir.file("noext")
        try ImageFiles.write(image, to: path, format: .png)
        let bytes = try fileBytes(path)
        #expect(Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test("writing replaces the file atomically and leaves no temporary files")
    func atomicReplace() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("a.tif")
        try ImageFiles.write(randomImage(width: 20, height: 20, bitDepth: 16, seed: 1), to: path)
        let second = randomImage(width: 30, height: 10, bitDepth: 16, seed: 2)
        try ImageFiles.write(second, to: path)
        #expect(try ImageFiles.read(path) == second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.tif"])
    }

    @Test("subscripts address row then column")
    func subscripts() {
        var image = GrayImage(width: 3, height: 2, bitDepth: 16)
        image[1, 2] = 9
        image[y: 0, x: 1] = 4
        #expect(image.pixels == [0, 4, 0, 0, 0, 9])
        #expect(image[y: 1, x: 2] == 9)
        #expect(image[0, 1] == 4)
    }

    @Test("format from extension", arguments: [
        ("x.tif", ImageFileFormat.tiff), ("x.TIFF", .tiff), ("dir.png/x.Tif", .tiff), ("x.PNG", .png),
        ("x.jpg", nil), ("x", nil), ("dir.tif/x", nil),
    ] as [(String, ImageFileFormat?)])
    func formatFromExtension(path: String, expected: ImageFileFormat?) {
        #expect(ImageFileFormat(path: path) == expected)
    }
}
