import Foundation
import Testing
@testable import IlluminatiImaging

@Suite("Thread safety and quiet failure")
struct ConcurrencyTests {
    @Test("good and broken files read from many threads at once keep their own results")
    func parallelReads() throws {
        let dir = TemporaryDirectory()
        var expected: [String: GrayImage] = [:]
        var broken: [String] = []
        for i in 0..<6 {
            let image = randomImage(width: 40 + i, height: 30, bitDepth: 16, seed: UInt64(i + 1))
            let good = dir.file("good\(i).\(i.isMultiple(of: 2) ? "tif" : "png")")
            try ImageFiles.write(image, to: good, compression: .deflate)
            expected[good] = image
            let bad = dir.file("bad\(i).\(i.isMultiple(of: 2) ? "tif" : "png")")
            try ImageFiles.write(image, to: bad)
            try truncateToHalf(bad)
            broken.append(bad)
        }
        let paths = Array(expected.keys) + broken
        let results = ResultBox(count: paths.count * 8)
        DispatchQueue.concurrentPerform(iterations: paths.count * 8) { i in
            let path = paths[i % paths.count]
            do {
                results.set(i, .success(try ImageFiles.read(path)))
            } catch {
                results.set(i, .failure(error as! ImageFileError))
            }
        }
        for i in 0..<(paths.count * 8) {
            let path = paths[i % paths.count]
            switch results.get(i) {
            case .success(let image)?: #expect(expected[path] == image, "\(path)")
            case .failure(let error)?:
                #expect(broken.contains(path), "\(path): \(error.reason)")
                #expect(error.path == path)
            case nil: Issue.record("no result for \(path)")
            }
        }
    }

    @Test("failures print nothing to stderr")
    func quietFailures() throws {
        let dir = TemporaryDirectory()
        let tif = dir.file("cut.tif"), png = dir.file("cut.png")
        try ImageFiles.write(randomImage(width: 64, height: 64, bitDepth: 16), to: tif)
        try ImageFiles.write(randomImage(width: 64, height: 64, bitDepth: 16), to: png)
        try truncateToHalf(tif)
        try truncateToHalf(png)
        let captured = try captureStandardError {
            for path in [tif, png, dir.file("missing.tif")] { _ = try? ImageFiles.read(path) }
        }
        // Other tests may print at the same time; only library chatter counts.
        for marker in ["TIFF", "libpng", "Read Error", "directory count"] {
            #expect(!captured.contains(marker), "stderr got: \(captured)")
        }
    }

    /// Runs `body` with file descriptor 2 redirected to a file, then replays what was
    /// captured to the real stderr so nothing another test printed meanwhile is lost.
    private func captureStandardError(_ body: () -> Void) throws -> String {
        let dir = TemporaryDirectory()
        let path = dir.file("stderr.txt")
        let sink = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(sink >= 0)
        let saved = dup(2)
        fflush(nil)
        dup2(sink, 2)
        body()
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        close(sink)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if !data.isEmpty { FileHandle.standardError.write(data) }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Results written from worker threads, one slot each.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<GrayImage, ImageFileError>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Result<GrayImage, ImageFileError>) { lock.withLock { slots[i] = value } }
    func get(_ i: Int) -> Result<GrayImage, ImageFileError>? { lock.withLock { slots[i] } }
}
