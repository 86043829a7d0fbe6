import CDeflate
import Foundation

/// The samples of a plain PNG, decoded without libpng: the IDAT chunks are gathered from the
/// file (CRCs checked), inflated by libdeflate in one call — the whole stream is in memory and
/// the output size is known, width × height × bytes plus a filter byte per row — and
/// unfiltered by `PNGRowFilter`. zlib's inflate, which libpng uses, was most of a PNG build's
/// CPU time (docs/performance.md).
///
/// Only the image data is decoded here; libpng has read and checked the header already.
/// Anything unusual — a damaged chunk, a stream that does not inflate to exactly the image,
/// an unknown filter — gives nil, and the caller decodes the file with libpng, whose message
/// says what is wrong. So a broken file fails with the same error as before.
enum PNGImageData {
    /// Samples, row-major, widened to UInt16; nil when the file is not plain and intact.
    static func decode(path: String, width: Int, height: Int, bitsPerSample: Int) -> [UInt16]? {
        guard bitsPerSample == 8 || bitsPerSample == 16, width > 0, height > 0,
              var file = contents(of: path) else { return nil }
        // The stream is gathered where the file lies: no second buffer of the file's size.
        guard let length = file.withUnsafeMutableBufferPointer({ gatherZlibStream(in: $0) }) else { return nil }
        return file.withUnsafeBufferPointer { bytes in
            decode(stream: UnsafeBufferPointer(rebasing: bytes[0..<length]), width: width, height: height,
                   bitsPerSample: bitsPerSample)
        }
    }

    /// Samples from the concatenated IDAT data (a zlib stream).
    static func decode(stream: UnsafeBufferPointer<UInt8>, width: Int, height: Int, bitsPerSample: Int) -> [UInt16]? {
        let bytesPerPixel = bitsPerSample / 8
        let rowBytes = width * bytesPerPixel
        let size = height * (rowBytes + 1)
        let count = width * height
        // 16-bit rows are inflated, unfiltered and packed inside the samples' own storage, a
        // filter byte per row larger than the samples; 8-bit rows, which widen, need their own.
        let inPlace = bytesPerPixel == 2
        var pixels = [UInt16](unsafeUninitializedCapacity: inPlace ? (size + 1) / 2 : count) { buffer, initialized in
            initialized = buffer.count
        }
        var separate = inPlace ? [] : [UInt8](unsafeUninitializedCapacity: size) { _, initialized in initialized = size }
        let decoded: Bool = pixels.withUnsafeMutableBytes { raw in
            separate.withUnsafeMutableBytes { other in
                let data = (inPlace ? raw : other).bindMemory(to: UInt8.self)
                let filtered = UnsafeMutableBufferPointer(rebasing: data[0..<size])
                guard inflate(stream, into: filtered) else { return false }
                do {
                    try PNGRowFilter.unfilter(filtered, rowBytes: rowBytes, rows: height, bytesPerPixel: bytesPerPixel)
                } catch {
                    return false
                }
                pack(filtered, width: width, height: height, bytesPerPixel: bytesPerPixel, into: raw.baseAddress!)
                return true
            }
        }
        guard decoded else { return nil }
        pixels.removeLast(pixels.count - count)
        return pixels
    }

    /// Gathers the IDAT chunks' data, in order, at the start of `file` and returns its length,
    /// or nil when a chunk runs past the end of the file, an IDAT's CRC is wrong or there is
    /// none. Chunks after the image data are not looked at: libpng keeps complete pixels
    /// whatever follows them, and so does this.
    static func gatherZlibStream(in file: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard let base = file.baseAddress else { return nil }
        var position = 8  // after the signature
        var gathered = 0
        var sawImageData = false
        while position + 12 <= file.count {
            let length = (0..<4).reduce(0) { $0 << 8 | Int(file[position + $1]) }
            let end = position + 12 + length
            guard length <= Int(Int32.max), end <= file.count else { return nil }
            let isImageData = file[position + 4] == 0x49 && file[position + 5] == 0x44
                && file[position + 6] == 0x41 && file[position + 7] == 0x54  // "IDAT"
            if isImageData {
                let stored = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(file[end - 4 + $1]) }
                guard stored == libdeflate_crc32(0, base + position + 4, 4 + length) else { return nil }
                // Always leftwards (gathered <= position + 8), so nothing not yet read is overwritten.
                memmove(base + gathered, base + position + 8, length)
                gathered += length
                sawImageData = true
            } else if sawImageData {
                break
            }
            position = end
        }
        return sawImageData ? gathered : nil
    }

    /// Inflates a whole zlib stream (Adler-32 checked) into exactly `output.count` bytes.
    private static func inflate(_ stream: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        guard let decompressor = libdeflate_alloc_decompressor() else { return false }
        defer { libdeflate_free_decompressor(decompressor) }
        var consumed = 0, produced = 0
        let result = libdeflate_zlib_decompress_ex(decompressor, stream.baseAddress, stream.count,
                                                   output.baseAddress, output.count, &consumed, &produced)
        return result == LIBDEFLATE_SUCCESS && produced == output.count && consumed == stream.count
    }

    /// Unfiltered rows (each after its filter byte) into UInt16 samples, row after row; 16-bit
    /// PNG is big-endian. `samples` may be the rows' own storage: each sample is written at or
    /// before the bytes it is read from, and only after they are read.
    private static func pack(_ data: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int, bytesPerPixel: Int,
                             into samples: UnsafeMutableRawPointer) {
        let stride = width * bytesPerPixel + 1
        let base = data.baseAddress!
        for y in 0..<height {
            let row = base + y * stride + 1
            let target = samples + 2 * y * width
            if bytesPerPixel == 2 {
                for x in 0..<width {
                    let high = row[2 * x], low = row[2 * x + 1]
                    target.storeBytes(of: UInt16(high) << 8 | UInt16(low), toByteOffset: 2 * x, as: UInt16.self)
                }
            } else {
                for x in 0..<width { target.storeBytes(of: UInt16(row[x]), toByteOffset: 2 * x, as: UInt16.self) }
            }
        }
    }

    /// The whole file, or nil when it cannot be read (libpng then says why).
    private static func contents(of path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 8 else { return nil }
        let size = Int(info.st_size)
        var complete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let got = pread(fd, buffer.baseAddress! + done, size - done, off_t(done))
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { break }
                done += got
            }
            complete = done == size
            initialized = complete ? size : 0
        }
        return complete ? bytes : nil
    }
}
