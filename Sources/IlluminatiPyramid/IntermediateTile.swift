import Foundation
import IlluminatiCore
import IlluminatiStorage

/// A tile of the lossless intermediate (fixed point, 8 fractional bits) as stored between
/// stages: a 32-byte header and the samples.
///
///     0   8 bytes  magic "ILLFX16\n"
///     8   u32      version (1)
///     12  u32      level
///     16  u32      row
///     20  u32      column
///     24  u32      height (pixels)
///     28  u16      width (pixels)
///     30  u16      flags: bit 0 = every sample is 0 and no samples follow
///     32  height·width u16 samples, row-major
/// All integers little-endian.
enum IntermediateTile {
    static let magic: [UInt8] = Array("ILLFX16\n".utf8)
    static let version: UInt32 = 1
    static let headerSize = 32

    /// Encodes `rect.height` rows of `rect.width` samples at `pixels` (row pitch `stride`).
    static func encode(_ tile: TileAddress, pixels: UnsafePointer<UInt16>, width: Int, height: Int, stride: Int) -> [UInt8] {
        var blank = true
        for y in 0..<height where blank {
            let row = pixels + y * stride
            for x in 0..<width where row[x] != 0 { blank = false; break }
        }
        var bytes = magic
        bytes.reserveCapacity(headerSize + (blank ? 0 : 2 * width * height))
        for value in [version, UInt32(tile.level), UInt32(tile.row), UInt32(tile.column), UInt32(height)] {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        withUnsafeBytes(of: UInt16(width).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt16(blank ? 1 : 0).littleEndian) { bytes.append(contentsOf: $0) }
        guard !blank else { return bytes }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 2 * width * height))
        bytes.withUnsafeMutableBytes { raw in
            for y in 0..<height {
                let row = pixels + y * stride
                for x in 0..<width {
                    raw.storeBytes(of: row[x].littleEndian, toByteOffset: start + 2 * (y * width + x), as: UInt16.self)
                }
            }
        }
        return bytes
    }

    /// Reads a stored tile into `destination` (row pitch `stride`), checking that it is the
    /// tile and size the caller expects.
    static func read(_ tile: TileAddress, from source: any TileSource, width: Int, height: Int,
                     into destination: UnsafeMutablePointer<UInt16>, stride: Int) throws {
        let path = source.intermediateLocation(tile)
        let stored: StoredFile?
        do {
            stored = try source.intermediate(tile)
        } catch let error as StorageError {
            throw PyramidError.intermediate(path: path, reason: "cannot read: \(error.reason)")
        }
        guard let stored else {
            throw PyramidError.intermediate(path: path,
                reason: "missing: the job of the previous stage that renders tile \(tile) has not written it")
        }
        try decode(stored.bytes, path: path, expecting: tile, width: width, height: height, into: destination, stride: stride)
    }

    /// Decodes a stored tile's bytes; `path` names it in errors.
    static func decode(_ data: [UInt8], path: String, expecting tile: TileAddress, width: Int, height: Int,
                       into destination: UnsafeMutablePointer<UInt16>, stride: Int) throws {
        try data.withUnsafeBytes { raw in
            guard raw.count >= headerSize, Array(raw.prefix(8)) == magic else {
                throw PyramidError.intermediate(path: path, reason: "not an intermediate tile (bad header)")
            }
            func u32(_ offset: Int) -> Int { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
            func u16(_ offset: Int) -> Int { Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))) }
            guard u32(8) == Int(version) else {
                throw PyramidError.intermediate(path: path, reason: "intermediate format version \(u32(8)) is not supported")
            }
            let stored = TileAddress(level: u32(12), row: u32(16), column: u32(20))
            guard stored == tile, u32(24) == height, u16(28) == width else {
                throw PyramidError.intermediate(path: path,
                    reason: "holds tile \(stored) of \(u32(24))×\(u16(28)), expected \(tile) of \(height)×\(width)")
            }
            let blank = u16(30) & 1 == 1
            let expectedSize = headerSize + (blank ? 0 : 2 * width * height)
            guard raw.count == expectedSize else {
                throw PyramidError.intermediate(path: path, reason: "is \(raw.count) bytes, expected \(expectedSize) (truncated?)")
            }
            for y in 0..<height {
                let row = destination + y * stride
                if blank {
                    row.update(repeating: 0, count: width)
                    continue
                }
                for x in 0..<width {
                    row[x] = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: headerSize + 2 * (y * width + x), as: UInt16.self))
                }
            }
        }
    }
}
