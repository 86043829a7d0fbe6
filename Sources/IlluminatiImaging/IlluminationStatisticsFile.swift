import Foundation
import IlluminatiStorage

/// Illumination statistics on disk, in a format any tool can read without this code.
///
/// Version 1 layout:
/// 1. One line of JSON, padded with spaces before its `\n` so that the line is a multiple of
///    8 bytes long (the arrays after it stay 8-byte aligned):
///    `{"arrays":["mean","m2"],"channel":"DAPI","count":120,"dtype":"<f8","format":"illuminati-illumination-statistics","height":2048,"version":1,"width":2048}`
/// 2. `mean`: height·width little-endian float64, row-major: per-pixel mean of log10
///    intensities (zeros counted as 1).
/// 3. `m2`: the same shape: per-pixel sum of squared deviations from the mean.
///
/// The standard deviation is √(m2 / (count − 1)); partial files of the same channel merge
/// exactly as `IlluminationStatistics.merge` does. Statistics are stored unsmoothed; readers
/// smooth with σ = 5 before correcting. In Python:
///
///     import json, numpy as np
///     with open(path, "rb") as f:
///         header = json.loads(f.readline())
///         mean, m2 = np.fromfile(f, "<f8").reshape(2, header["height"], header["width"])
///     std = np.sqrt(m2 / (header["count"] - 1))
public enum IlluminationStatisticsFile {
    public static let formatName = "illuminati-illumination-statistics"
    public static let version = 1
    /// File name extension used for statistics files.
    public static let fileExtension = "illumstats"

    struct Header: Codable, Equatable {
        var arrays: [String]
        var channel: String
        var count: Int
        var dtype: String
        var format: String
        var height: Int
        var version: Int
        var width: Int
    }

    /// The JSON header line, padded to a multiple of 8 bytes, newline included.
    static func headerLine(_ statistics: IlluminationStatistics, channel: String) throws -> [UInt8] {
        let header = Header(arrays: ["mean", "m2"], channel: channel, count: statistics.count, dtype: "<f8",
                            format: formatName, height: statistics.height, version: version, width: statistics.width)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = [UInt8](try encoder.encode(header))
        while (line.count + 1) % 8 != 0 { line.append(0x20) }
        line.append(0x0A)
        return line
    }

    /// The bytes of a statistics file for `channel`.
    public static func encode(_ statistics: IlluminationStatistics, channel: String) throws -> [UInt8] {
        let line = try headerLine(statistics, channel: channel)
        let count = statistics.mean.count
        var bytes = [UInt8](repeating: 0, count: line.count + 16 * count)
        bytes.withUnsafeMutableBytes { raw in
            raw.copyBytes(from: line)
            for (index, array) in [statistics.mean, statistics.m2].enumerated() {
                let start = line.count + 8 * count * index
                for i in 0..<count {
                    raw.storeBytes(of: array[i].bitPattern.littleEndian, toByteOffset: start + 8 * i, as: UInt64.self)
                }
            }
        }
        return bytes
    }

    /// Reads a statistics file; the channel is the one recorded in its header.
    public static func decode(_ bytes: [UInt8], path: String) throws -> (channel: String, statistics: IlluminationStatistics) {
        func failure(_ reason: String) -> IlluminationStatisticsError {
            IlluminationStatisticsError("\(path): \(reason)")
        }
        guard let newline = bytes.prefix(65536).firstIndex(of: 0x0A) else {
            throw failure("not an illumination statistics file (no JSON header line)")
        }
        let (header, pixels) = try decodeHeader(Array(bytes[..<newline]), path: path)
        let start = newline + 1
        guard bytes.count - start == 16 * pixels else {
            throw failure("holds \(bytes.count - start) data bytes, expected \(16 * pixels) for \(header.height)×\(header.width) (truncated?)")
        }
        var mean = [Double](repeating: 0, count: pixels)
        var m2 = [Double](repeating: 0, count: pixels)
        bytes.withUnsafeBytes { raw in
            for i in 0..<pixels {
                mean[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * i, as: UInt64.self)))
                m2[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * (pixels + i), as: UInt64.self)))
            }
        }
        guard mean.allSatisfy(\.isFinite), m2.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw failure("holds non-finite or negative values")
        }
        let statistics = try IlluminationStatistics(width: header.width, height: header.height, count: header.count,
                                                    mean: mean, m2: m2)
        return (header.channel, statistics)
    }

    /// The checked header and its pixel count.
    private static func decodeHeader(_ line: [UInt8], path: String) throws -> (header: Header, count: Int) {
        func failure(_ reason: String) -> IlluminationStatisticsError { IlluminationStatisticsError("\(path): \(reason)") }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(line))
        } catch {
            throw failure("not an illumination statistics file (unreadable JSON header)")
        }
        guard header.format == formatName else { throw failure("header format is \"\(header.format)\", not \(formatName)") }
        guard header.version == version else { throw failure("statistics file version \(header.version) is not supported (need \(version))") }
        guard header.dtype == "<f8", header.arrays == ["mean", "m2"] else {
            throw failure("unsupported arrays \(header.arrays) of type \(header.dtype) (need mean and m2 as <f8)")
        }
        guard header.width > 0, header.height > 0, header.count >= 0,
              header.width <= 1 << 16, header.height <= 1 << 16 else {
            throw failure("invalid size \(header.height)×\(header.width) or count \(header.count)")
        }
        return (header, header.width * header.height)
    }

    /// Writes atomically (temporary file + rename), streaming the arrays: no second copy of
    /// them in memory.
    public static func write(_ statistics: IlluminationStatistics, channel: String, to path: String) throws {
        do {
            try AtomicFile.write(to: path) { temporary in
                let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw IlluminationStatisticsError("\(path): cannot create: \(errnoText())") }
                defer { close(fd) }
                try write(statistics, channel: channel, into: fd, path: path)
            }
        } catch let failure as StorageError {
            throw IlluminationStatisticsError("\(path): \(failure.reason)")
        }
    }

    /// Writes the file into `fd`, open for writing and empty; `path` names it in errors.
    public static func write(_ statistics: IlluminationStatistics, channel: String, into fd: Int32, path: String) throws {
        do {
            let line = try headerLine(statistics, channel: channel)
            try line.withUnsafeBytes { try writeAll(fd, $0) }
            var chunk = [UInt64](repeating: 0, count: 1 << 16)
            for array in [statistics.mean, statistics.m2] {
                for start in stride(from: 0, to: array.count, by: chunk.count) {
                    let n = min(chunk.count, array.count - start)
                    for i in 0..<n { chunk[i] = array[start + i].bitPattern.littleEndian }
                    try chunk.withUnsafeBytes { try writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[..<(8 * n)])) }
                }
            }
        } catch let failure as ImageFailure {
            throw IlluminationStatisticsError("\(path): \(failure.reason)")
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ImageFailure("cannot write: \(errnoText())") }
            done += n
        }
    }

    /// What a statistics file's header line says, read without its arrays.
    public struct Summary: Hashable, Sendable {
        public var channel: String
        /// Images the statistics were computed from.
        public var count: Int
        public var width: Int
        public var height: Int
    }

    /// The header line alone: enough to learn a file's channel and image count without
    /// reading (tens of MiB of) arrays.
    public static func readSummary(_ path: String) throws -> Summary {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IlluminationStatisticsError("\(path): cannot open")
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 65536)) ?? Data())
        guard let newline = head.firstIndex(of: 0x0A) else {
            throw IlluminationStatisticsError("\(path): not an illumination statistics file (no JSON header line)")
        }
        let (header, _) = try decodeHeader(Array(head[..<newline]), path: path)
        return Summary(channel: header.channel, count: header.count, width: header.width, height: header.height)
    }

    /// Reads a statistics file straight into its arrays (no copy of the file in memory).
    public static func read(_ path: String) throws -> (channel: String, statistics: IlluminationStatistics) {
        func failure(_ reason: String) -> IlluminationStatisticsError { IlluminationStatisticsError("\(path): \(reason)") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot read: \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot read: \(errnoText())") }
        var head = [UInt8](repeating: 0, count: min(65536, Int(info.st_size)))
        let got = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard got == head.count, let newline = head.firstIndex(of: 0x0A) else {
            throw failure("not an illumination statistics file (no JSON header line)")
        }
        // The header alone decides the array sizes, checked against the file size.
        let (header, count) = try decodeHeader(Array(head[..<newline]), path: path)
        guard Int(info.st_size) - (newline + 1) == 16 * count else {
            throw failure("holds \(Int(info.st_size) - newline - 1) data bytes, expected \(16 * count) for \(header.height)×\(header.width) (truncated?)")
        }
        var mean = [Double](repeating: 0, count: count)
        var m2 = [Double](repeating: 0, count: count)
        let dataStart = off_t(newline + 1)
        guard readDoubles(fd, dataStart, into: &mean), readDoubles(fd, dataStart + off_t(8 * count), into: &m2) else {
            throw failure("cannot read the arrays: \(errnoText())")
        }
        guard mean.allSatisfy(\.isFinite), m2.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw failure("holds non-finite or negative values")
        }
        let statistics = try IlluminationStatistics(width: header.width, height: header.height, count: header.count,
                                                    mean: mean, m2: m2)
        return (header.channel, statistics)
    }

    private static func readDoubles(_ fd: Int32, _ offset: off_t, into array: inout [Double]) -> Bool {
        let ok = array.withUnsafeMutableBytes { raw -> Bool in
            var done = 0
            while done < raw.count {
                let n = pread(fd, raw.baseAddress! + done, raw.count - done, offset + off_t(done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        if ok && UInt16(1).littleEndian != 1 {
            for i in 0..<array.count { array[i] = Double(bitPattern: UInt64(littleEndian: array[i].bitPattern)) }
        }
        return ok
    }
}
