import Foundation
import Testing
@testable import IlluminatiImaging

/// Every broken input must end in an ImageFileError that says what is wrong, never a crash.
@Suite("Broken and unsupported files")
struct BadInputTests {
    let dir = TemporaryDirectory()

    private func expectFailure(_ path: String, mentions words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, action) in [("read", { _ = try ImageFiles.read(path) }), ("probe", { _ = try ImageFiles.probe(path) })] {
            let reason = failureReason(action)
            #expect(reason != nil, "\(name) of \(path) should fail", sourceLocation: sourceLocation)
            guard let reason else { continue }
            #expect(words.contains { reason.localizedCaseInsensitiveContains($0) },
                    "\(name) reason \"\(reason)\" should mention one of \(words)", sourceLocation: sourceLocation)
            #expect(!reason.contains("\n"), sourceLocation: sourceLocation)
        }
    }

    @Test func missingFile() {
        expectFailure(dir.file("nope.tif"), mentions: ["not found"])
        expectFailure(dir.file("nope.png"), mentions: ["not found"])
    }

    @Test func emptyFiles() throws {
        for name in ["empty.tif", "empty.png"] {
            try writeBytes([], to: dir.file(name))
            expectFailure(dir.file(name), mentions: ["empty"])
        }
    }

    @Test func directory() throws {
        try FileManager.default.createDirectory(atPath: dir.file("folder.tif"), withIntermediateDirectories: false)
        expectFailure(dir.file("folder.tif"), mentions: ["directory"])
    }

    @Test func textNamedAsImage() throws {
        try writeBytes(Array("plate,well\nA,1\n".utf8), to: dir.file("notes.tif"))
        expectFailure(dir.file("notes.tif"), mentions: ["not a TIFF"])
        try writeBytes(Array("x".utf8), to: dir.file("tiny.png"))
        expectFailure(dir.file("tiny.png"), mentions: ["not a PNG"])
    }

    @Test func extensionDisagreesWithContent() throws {
        let image = randomImage(width: 8, height: 8, bitDepth: 16)
        try ImageFiles.write(image, to: dir.file("real.png"))
        try FileManager.default.moveItem(atPath: dir.file("real.png"), toPath: dir.file("fake.tif"))
        expectFailure(dir.file("fake.tif"), mentions: ["content is PNG"])
        try ImageFiles.write(image, to: dir.file("real.tif"))
        try FileManager.default.moveItem(atPath: dir.file("real.tif"), toPath: dir.file("fake.png"))
        expectFailure(dir.file("fake.png"), mentions: ["content is TIFF"])
    }

    @Test func unsupportedExtension() throws {
        try writeBytes([0xFF, 0xD8, 0xFF, 0xE0], to: dir.file("photo.jpg"))
        expectFailure(dir.file("photo.jpg"), mentions: ["extension"])
    }

    @Test("libtiff-written TIFF cut in half", arguments: [TIFFCompression.none, .deflate])
    func truncatedTIFF(compression: TIFFCompression) throws {
        let path = dir.file("cut.tif")
        try ImageFiles.write(randomImage(width: 64, height: 64, bitDepth: 16), to: path, compression: compression)
        try truncateToHalf(path)
        expectFailure(path, mentions: ["libtiff", "truncated", "directory"])
    }

    /// Issue 13 item 6: the directory survives, the pixels do not. `experiment create` relies
    /// on probe to refuse such a file, so probe checks that the strips lie inside the file.
    @Test func truncatedPixelData() throws {
        let path = dir.file("cut-data.tif")
        let image = randomImage(width: 64, height: 64, bitDepth: 16)
        let bytes = TIFFBuilder.encode(width: 64, height: 64, bitsPerSample: 16, samples: image.pixels, bigEndian: false)
        try writeBytes(bytes, to: path)
        #expect(try ImageFiles.probe(path).width == 64)
        try truncateToHalf(path)
        let probed = failureReason { _ = try ImageFiles.probe(path) }
        #expect(probed == "truncated or damaged TIFF: strip 0 lies at bytes 122…8313 but the file has \(bytes.count / 2) bytes",
                "\(probed ?? "no error")")
        let reason = failureReason { _ = try ImageFiles.read(path) }
        #expect(reason?.contains("cannot decode strip 0 (truncated or damaged data)") == true,
                "\(reason ?? "")")
        // One byte short is as truncated as half.
        try writeBytes(Array(bytes.dropLast()), to: path)
        #expect(failureReason { _ = try ImageFiles.probe(path) }?.contains("truncated or damaged TIFF: strip 0") == true)
    }

    /// Issue 13 item 6: 138 bytes whose header claims 32768² 16-bit pixels; one decode would
    /// allocate 2 GiB. Both the pixel budget and the strip check refuse it at probe.
    @Test func headerClaimingAGigapixel() throws {
        let path = dir.file("huge.tif")
        let bytes = TIFFBuilder.encode(width: 32768, height: 32768, bitsPerSample: 16, samples: [], bigEndian: true)
        try writeBytes(bytes + [UInt8](repeating: 0, count: 138 - bytes.count), to: path)
        expectFailure(path, mentions: ["pixel budget"])
        #expect(failureReason { _ = try ImageFiles.probe(path) }
                == "image size 32768×32768 (height×width) is above the pixel budget of 268435456 pixels per image")
    }

    @Test func pixelBudget() throws {
        #expect(try ImageLimits.pixelCount(16384, 16384) == 1 << 28)
        #expect(try ImageLimits.pixelCount(1, 1 << 28) == 1 << 28)
        #expect(throws: (any Error).self) { try ImageLimits.pixelCount(16385, 16384) }
        #expect(throws: (any Error).self) { try ImageLimits.pixelCount(Int.max, 2) }
    }

    @Test func truncatedPNG() throws {
        let path = dir.file("cut.png")
        try ImageFiles.write(randomImage(width: 64, height: 64, bitDepth: 16), to: path)
        let whole = try fileBytes(path)
        #expect(try ImageFiles.probe(path).width == 64)
        try truncateToHalf(path)
        // Issue 13 item 6: the header is intact, but probe walks the chunk list and finds it cut.
        let probed = failureReason { _ = try ImageFiles.probe(path) }
        #expect(probed?.hasPrefix("truncated PNG: the IDAT chunk at byte ") == true, "\(probed ?? "no error")")
        let reason = failureReason { _ = try ImageFiles.read(path) }
        #expect(reason?.contains("truncated") == true, "\(reason ?? "no error")")
        // Everything but IEND.
        try writeBytes(Array(whole.dropLast(12)), to: path)
        #expect(failureReason { _ = try ImageFiles.probe(path) }
                == "truncated PNG: the file ends at byte \(whole.count - 12) before the IEND chunk")
        // Cut inside the header too.
        let bytes = try fileBytes(path)
        try writeBytes(Array(bytes.prefix(20)), to: path)
        expectFailure(path, mentions: ["truncated", "libpng"])
    }

    @Test func corruptPNGData() throws {
        let path = dir.file("corrupt.png")
        try ImageFiles.write(randomImage(width: 64, height: 64, bitDepth: 16), to: path)
        var bytes = try fileBytes(path)
        for i in 100..<140 { bytes[i] ^= 0x5A }
        try writeBytes(bytes, to: path)
        #expect(failureReason { _ = try ImageFiles.read(path) } != nil)
    }

    @Test func rgbPNG() throws {
        let path = dir.file("rgb.png")
        try writeBytes(PNGBuilder.encode(width: 4, height: 3, bitDepth: 8, colorType: PNGBuilder.rgb,
                                         samples: [UInt16](repeating: 90, count: 36)), to: path)
        expectFailure(path, mentions: ["RGB"])
        try writeBytes(PNGBuilder.encode(width: 4, height: 3, bitDepth: 16, colorType: PNGBuilder.grayAlpha,
                                         samples: [UInt16](repeating: 90, count: 24)), to: path)
        expectFailure(path, mentions: ["alpha"])
    }

    @Test func rgbTIFF() throws {
        var layout = TIFFWriteLayout(width: 5, height: 4, bitsPerSample: 8)
        layout.samplesPerPixel = 3
        layout.photometric = 2  // RGB
        try writeRaw(layout, to: dir.file("rgb.tif"))
        expectFailure(dir.file("rgb.tif"), mentions: ["RGB"])
    }

    @Test func floatTIFF() throws {
        var layout = TIFFWriteLayout(width: 5, height: 4, bitsPerSample: 32)
        layout.sampleFormat = 3  // IEEE floating point
        try writeRaw(layout, to: dir.file("float.tif"))
        expectFailure(dir.file("float.tif"), mentions: ["floating-point"])
    }

    @Test func bilevelTIFF() throws {
        try writeRaw(TIFFWriteLayout(width: 20, height: 4, bitsPerSample: 1), to: dir.file("bits.tif"))
        expectFailure(dir.file("bits.tif"), mentions: ["1-bit"])
    }

    @Test func writeRejectsBadImages() {
        let tooBright = GrayImage(width: 2, height: 1, bitDepth: 12, pixels: [4095, 4096])
        #expect(failureReason { try ImageFiles.write(tooBright, to: dir.file("a.tif")) }?.contains("exceeds") == true)
        let fine = GrayImage(width: 2, height: 1, bitDepth: 16, pixels: [1, 2])
        #expect(failureReason { try ImageFiles.write(fine, to: dir.file("missing/a.tif")) }?.contains("does not exist") == true)
        #expect(failureReason { try ImageFiles.write(fine, to: dir.file("a.jpg")) }?.contains("extension") == true)
        #expect(failureReason { try ImageFiles.write(fine, to: dir.file("a.tif"), format: .png) } != nil)
        #expect(failureReason { try ImageFiles.write(GrayImage(width: 0, height: 0, bitDepth: 16), to: dir.file("b.tif")) } != nil)
        #expect(!FileManager.default.fileExists(atPath: dir.file("a.tif")))
    }

    @Test func errorDescriptionIsOneLine() {
        let error = ImageFileError(path: "/x/a.tif", reason: "first\nsecond")
        #expect(error.description == "/x/a.tif: first second")
    }

    private func writeRaw(_ layout: TIFFWriteLayout, to path: String) throws {
        let bytes = [UInt8](repeating: 0x3C, count: layout.rowBytes * layout.height)
        try bytes.withUnsafeBytes { try TIFFWriter.write($0, layout: layout, to: path) }
    }
}
