import Foundation
import Testing
@testable import IlluminatiImaging

/// Mutated files through the readers: every outcome is an image of the expected size or an
/// ImageFileError naming the file; nothing crashes and libraries print nothing.
@Suite("Reader fuzzing and expectations")
struct ReaderFuzzTests {
    private struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
    }

    /// Seed files covering the layouts the readers handle.
    private func seeds(in dir: TemporaryDirectory) throws -> [String] {
        let image16 = randomImage(width: 48, height: 40, bitDepth: 16, seed: 21)
        let image8 = randomImage(width: 48, height: 40, bitDepth: 8, seed: 22)
        var paths: [String] = []
        for (name, compression) in [("none", TIFFCompression.none), ("lzw", .lzw), ("deflate", .deflate)] {
            let path = dir.file("seed-\(name).tif")
            try ImageFiles.write(image16, to: path, compression: compression)
            paths.append(path)
        }
        let tiled = dir.file("seed-tiled.tif")
        try ImageFiles.writeTIFF(image16, to: tiled, compression: .deflate, tileSize: (16, 16))
        let eight = dir.file("seed-8bit.tif")
        try ImageFiles.write(image8, to: eight)
        let png16 = dir.file("seed-16.png"), png8 = dir.file("seed-8.png")
        try ImageFiles.write(image16, to: png16)
        try ImageFiles.write(image8, to: png8)
        return paths + [tiled, eight, png16, png8]
    }

    private func mutate(_ bytes: [UInt8], _ random: inout Generator) -> [UInt8] {
        var out = bytes
        switch random.next(5) {
        case 0:  // flip a few bits anywhere
            for _ in 0...random.next(8) { out[random.next(out.count)] ^= UInt8(1 << random.next(8)) }
        case 1:  // overwrite bytes with extremes, often in the header
            for _ in 0...random.next(4) {
                out[random.next(random.next(2) == 0 ? min(64, out.count) : out.count)] = random.next(2) == 0 ? 0 : 0xFF
            }
        case 2:  // truncate
            out = Array(out.prefix(random.next(out.count)))
        case 3:  // duplicate a span
            let start = random.next(out.count), length = random.next(64)
            out.insert(contentsOf: out[start..<min(out.count, start + length)], at: random.next(out.count))
        default:  // insert noise
            let at = random.next(out.count)
            out.insert(contentsOf: (0..<(1 + random.next(16))).map { _ in UInt8(random.next(256)) }, at: at)
        }
        return out
    }

    @Test("300 mutated TIFF and PNG files: typed errors only, nothing on stderr")
    func fuzzReaders() throws {
        let dir = TemporaryDirectory()
        let seedPaths = try seeds(in: dir)
        var random = Generator(state: 2024)
        let expectation = ImageExpectation(width: 48, height: 40)
        var outcomes = (images: 0, errors: 0)
        let captured = try captureStandardError {
            for round in 0..<300 {
                let seed = seedPaths[round % seedPaths.count]
                guard let original = try? fileBytes(seed) else { continue }
                let path = dir.file("m\(round).\(seed.hasSuffix(".png") ? "png" : "tif")")
                try? writeBytes(mutate(original, &random), to: path)
                do {
                    let image = try ImageFiles.read(path, expecting: expectation)
                    #expect(image.width == 48 && image.height == 40)
                    outcomes.images += 1
                } catch let error as ImageFileError {
                    #expect(error.path == path)
                    #expect(!error.reason.isEmpty && !error.reason.contains("\n"))
                    outcomes.errors += 1
                } catch {
                    Issue.record("\(path): untyped error \(error)")
                }
                do { _ = try ImageFiles.probe(path) } catch let error as ImageFileError {
                    #expect(error.path == path)
                } catch {
                    Issue.record("\(path): untyped probe error \(error)")
                }
            }
        }
        #expect(outcomes.images + outcomes.errors == 300)
        #expect(outcomes.errors > 50)  // the mutations do damage …
        #expect(outcomes.images > 10)  // … and some leave the pixels readable
        // The test runner reports other tests on stderr meanwhile, and swift-log's default
        // backend writes there too; only lines printed by the libraries themselves count.
        let library = captured.split(separator: "\n").filter { line in
            !["◇", "✔", "✘", "↳", "􀟈", "􀢄", "􁁛", "􀄵"].contains { line.hasPrefix($0) } && !line.contains("illuminati.imaging")
        }
        for marker in ["TIFFRead", "TIFFFetch", "libpng", "IDAT", "CRC"] {
            #expect(!library.contains { $0.contains(marker) }, "stderr got: \(library)")
        }
    }

    @Test("wrong size, wrong bit depth, RGB, zero size: errors naming the file")
    func expectations() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("site.tif")
        try ImageFiles.write(randomImage(width: 30, height: 20, bitDepth: 12), to: path)
        #expect(try ImageFiles.read(path, expecting: ImageExpectation(width: 30, height: 20, bitDepth: 12)).width == 30)
        func reason(_ expectation: ImageExpectation, _ file: String = "") -> String? {
            let target = file.isEmpty ? path : file
            do {
                _ = try ImageFiles.read(target, expecting: expectation)
                return nil
            } catch let error as ImageFileError {
                #expect(error.path == target)
                return error.reason
            } catch {
                return "untyped: \(error)"
            }
        }
        #expect(reason(ImageExpectation(width: 30, height: 21))?.contains("20×30 (height×width) but the experiment's sites are 21×30") == true)
        #expect(reason(ImageExpectation(width: 30, height: 20, bitDepth: 16))?.contains("12-bit but the experiment's images are 16-bit") == true)

        let rgb = dir.file("rgb.png")
        try writeBytes(PNGBuilder.encode(width: 4, height: 4, bitDepth: 8, colorType: PNGBuilder.rgb, samples: [UInt16](repeating: 9, count: 48)), to: rgb)
        #expect(reason(ImageExpectation(width: 4, height: 4), rgb)?.contains("RGB") == true)
        let empty = dir.file("zero.tif")
        try writeBytes(TIFFBuilder.encode(width: 0, height: 0, bitsPerSample: 16, samples: [], bigEndian: false), to: empty)
        #expect(reason(ImageExpectation(width: 4, height: 4), empty) != nil)
        #expect(reason(ImageExpectation(width: 4, height: 4), dir.file("missing.tif"))?.contains("not found") == true)
    }

    private func captureStandardError(_ body: () throws -> Void) throws -> String {
        let dir = TemporaryDirectory()
        let path = dir.file("stderr.txt")
        let sink = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(sink >= 0)
        let saved = dup(2)
        fflush(nil)
        dup2(sink, 2)
        let outcome = Result { try body() }
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        close(sink)
        try outcome.get()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if !data.isEmpty { FileHandle.standardError.write(data) }
        return String(decoding: data, as: UTF8.self)
    }
}
