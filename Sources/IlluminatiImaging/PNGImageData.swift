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
              let file = contents(of: path) else { return nil }
        return file.withUnsafeBufferPointer { bytes in
            guard let stream = zlibStream(in: bytes) else { return nil }
            return decode(stream: stream, width: width, height: height, bitsPerSample: bitsPerSample)
        }
    }

    /// Samples from the concatenated IDAT data (a zlib stream).
    static func decode(stream: [UInt8], width: Int, height: Int, bitsPerSample: Int) -> [UInt16]? {
        let bytesPerPixel = bitsPerSample / 8
        let rowBytes = width * bytesPerPixel
        let size = height * (rowBytes + 1)
        var filtered = [UInt8](repeating: 0, count: size)
        guard inflate(stream, into: &filtered) else { return nil }
        let unfiltered: Bool = filtered.withUnsafeMutableBufferPointer { data in
            do {
                try PNGRowFilter.unfilter(data, rowBytes: rowBytes, rows: height, bytesPerPixel: bytesPerPixel)
                return true
            } catch {
                return false
            }
        }
        guard unfiltered else { return nil }
        return samples(filtered, width: width, height: height, bytesPerPixel: bytesPerPixel)
    }

    /// The IDAT chunks' data, in order, or nil when a chunk runs past the end of the file, an
    /// IDAT's CRC is wrong or there is none. Chunks after the image data are not looked at:
    /// libpng keeps complete pixels whatever follows them, and so does this.
    static func zlibStream(in file: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var position = 8  // after the signature
        var parts: [Range<Int>] = []
        while position + 12 <= file.count {
            let length = (0..<4).reduce(0) { $0 << 8 | Int(file[position + $1]) }
            let end = position + 12 + length
            guard length <= Int(Int32.max), end <= file.count else { return nil }
            let isImageData = file[position + 4] == 0x49 && file[position + 5] == 0x44
                && file[position + 6] == 0x41 && file[position + 7] == 0x54  // "IDAT"
            if isImageData {
                let stored = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(file[end - 4 + $1]) }
                let computed = libdeflate_crc32(0, file.baseAddress! + position + 4, 4 + length)
                guard stored == computed else { return nil }
                parts.append(position + 8 ..< end - 4)
            } else if !parts.isEmpty {
                break
            }
            position = end
        }
        guard !parts.isEmpty else { return nil }
        var stream = [UInt8]()
        stream.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { stream.append(contentsOf: UnsafeBufferPointer(rebasing: file[part])) }
        return stream
    }

    /// Inflates a whole zlib stream (Adler-32 checked) into exactly `output.count` bytes.
    private static func inflate(_ stream: [UInt8], into output: inout [UInt8]) -> Bool {
        guard let decompressor = libdeflate_alloc_decompressor() else { return false }
        defer { libdeflate_free_decompressor(decompressor) }
        var consumed = 0, produced = 0
        let result = stream.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                libdeflate_zlib_decompress_ex(decompressor, input.baseAddress, input.count,
                                              out.baseAddress, out.count, &consumed, &produced)
            }
        }
        return result == LIBDEFLATE_SUCCESS && produced == output.count && consumed == stream.count
    }

    /// Unfiltered rows (each after its filter byte) as UInt16 samples; 16-bit PNG is big-endian.
    private static func samples(_ data: [UInt8], width: Int, height: Int, bytesPerPixel: Int) -> [UInt16] {
        let stride = width * bytesPerPixel + 1
        return [UInt16](unsafeUninitializedCapacity: width * height) { out, initialized in
            data.withUnsafeBufferPointer { data in
                for y in 0..<height {
                    let row = data.baseAddress! + y * stride + 1
                    let target = out.baseAddress! + y * width
                    if bytesPerPixel == 2 {
                        for x in 0..<width { target[x] = UInt16(row[2 * x]) << 8 | UInt16(row[2 * x + 1]) }
                    } else {
                        for x in 0..<width { target[x] = UInt16(row[x]) }
                    }
                }
            }
            initialized = width * height
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
