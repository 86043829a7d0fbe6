import Foundation
@testable import IlluminatiImaging

/// A fresh directory per test, removed when the test's last reference goes away.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("illuminati-imaging-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Seeded values for test images; extremes included so clipping and byte order show up.
func randomImage(width: Int, height: Int, bitDepth: Int, seed: UInt64 = 7) -> GrayImage {
    let top = UInt64(bitDepth >= 16 ? 65535 : (1 << bitDepth) - 1)
    var state = seed
    var pixels = (0..<(width * height)).map { _ -> UInt16 in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt16((state >> 33) % (top + 1))
    }
    pixels[0] = 0
    pixels[pixels.count - 1] = UInt16(top)
    if pixels.count > 2 { pixels[1] = UInt16(top) }
    return GrayImage(width: width, height: height, bitDepth: bitDepth, pixels: pixels)
}

func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func fileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Keeps the first half of a file, as an interrupted copy would.
func truncateToHalf(_ path: String) throws {
    let bytes = try fileBytes(path)
    try writeBytes(Array(bytes.prefix(bytes.count / 2)), to: path)
}

/// The reason of the ImageFileError thrown by `body`, or nil when it did not throw one.
func failureReason(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as ImageFileError {
        return error.reason
    } catch {
        return "unexpected error type: \(error)"
    }
}

/// Pearson correlation of two equally long sample lists.
func correlation(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count && !a.isEmpty)
    let n = Double(a.count)
    let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for i in 0..<a.count {
        let da = a[i] - ma, db = b[i] - mb
        sab += da * db
        saa += da * da
        sbb += db * db
    }
    return sab / (saa * sbb).squareRoot()
}
