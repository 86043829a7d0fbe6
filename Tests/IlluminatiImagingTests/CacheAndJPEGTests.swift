import Foundation
import Testing
@testable import IlluminatiImaging

@Suite("Image cache and JPEG")
struct CacheAndJPEGTests {
    @Test("least recently used entries go first, by bytes")
    func lruByBytes() throws {
        let cache = ImageCache<String, [UInt8]>(capacityBytes: 30)
        func get(_ key: String, _ size: Int) throws -> [UInt8] {
            try cache.value(for: key, cost: { $0.count }) { [UInt8](repeating: UInt8(size), count: size) }
        }
        _ = try get("a", 10)
        _ = try get("b", 10)
        _ = try get("c", 10)
        _ = try get("a", 10)          // a is now newer than b
        _ = try get("d", 10)          // 40 > 30: b goes
        #expect(cache.counts.loads == 4)
        _ = try get("a", 10)
        _ = try get("c", 10)
        #expect(cache.counts.loads == 4)
        _ = try get("b", 10)          // reloaded; the least recent of a, c, d (d) goes
        #expect(cache.counts.loads == 5)
        _ = try get("d", 10)
        #expect(cache.counts.loads == 6)
        // An entry larger than the capacity is still returned (and kept until the next insert).
        #expect(try get("huge", 100).count == 100)
        #expect(cache.counts.bytes <= 100)
    }

    @Test("one load per key under concurrency; failures are not cached")
    func concurrentLoads() throws {
        let cache = ImageCache<Int, Int>(capacityBytes: 1 << 20)
        let loads = Counter()
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let value = try? cache.value(for: i % 4, cost: { _ in 8 }) {
                loads.increment()
                usleep(2000)
                return (i % 4) * 10
            }
            #expect(value == (i % 4) * 10)
        }
        #expect(loads.value == 4)
        struct Boom: Error {}
        #expect(throws: Boom.self) { try cache.value(for: 99, cost: { _ in 8 }) { throw Boom() } }
        #expect(try cache.value(for: 99, cost: { _ in 8 }) { 5 } == 5)
    }

    @Test("gray JPEG: decodes close to the input, same bytes every time, odd sizes")
    func jpegRoundTrip() throws {
        let width = 37, height = 21
        let pixels = (0..<(width * height)).map { UInt8(($0 * 7 + $0 / width * 3) % 200 + 20) }
        let encoder = try JPEGEncoder(quality: 95)
        let first = try encoder.encode(pixels, width: width, height: height)
        let second = try JPEGEncoder(quality: 95).encode(pixels, width: width, height: height)
        #expect(first == second)
        #expect(Array(first.prefix(2)) == [0xFF, 0xD8])
        // Baseline: a SOF0 marker, not progressive SOF2.
        #expect(zip(first, first.dropFirst()).contains { $0 == 0xFF && $1 == 0xC0 })
        #expect(!zip(first, first.dropFirst()).contains { $0 == 0xFF && $1 == 0xC2 })
        let decoded = try JPEGDecoder.decodeGray(first)
        #expect(decoded.width == width && decoded.height == height)
        let worst = zip(decoded.pixels, pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 12)
        // A row pitch wider than the tile encodes the same picture.
        var padded = [UInt8](repeating: 255, count: (width + 5) * height)
        for y in 0..<height { for x in 0..<width { padded[y * (width + 5) + x] = pixels[y * width + x] } }
        let strided = try padded.withUnsafeBufferPointer { p in
            try encoder.encode(p.baseAddress!, width: width, height: height, stride: width + 5) { Array($0) }
        }
        #expect(strided == first)
        #expect(throws: JPEGError.self) { try JPEGEncoder(quality: 0) }
        #expect(throws: JPEGError.self) { try JPEGDecoder.decodeGray([1, 2, 3]) }
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
