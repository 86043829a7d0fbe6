/// Builds PNG files byte by byte (stored deflate blocks, no compression), so tests can
/// produce what other software writes, such as gAMA/sRGB chunks or RGB, independently of
/// the writer under test.
enum PNGBuilder {
    static let gray = 0, rgb = 2, grayAlpha = 4

    /// `samples` are interleaved channel values, row-major. Row y is written with filter type
    /// `filters[y % filters.count]` (0 none, 1 Sub, 2 Up, 3 Average, 4 Paeth), and the image
    /// data is split into IDAT chunks of at most `idatSize` bytes.
    static func encode(width: Int, height: Int, bitDepth: Int, colorType: Int, samples: [UInt16],
                       extraChunks: [(String, [UInt8])] = [], filters: [UInt8] = [0],
                       idatSize: Int = Int.max) -> [UInt8] {
        let channels = colorType == rgb ? 3 : colorType == grayAlpha ? 2 : 1
        precondition(samples.count == width * height * channels)
        let bytesPerPixel = channels * bitDepth / 8
        var raw: [UInt8] = []
        var previous = [UInt8](repeating: 0, count: width * bytesPerPixel)
        for y in 0..<height {
            var row: [UInt8] = []
            for i in 0..<(width * channels) {
                let v = samples[y * width * channels + i]
                if bitDepth == 16 { row += [UInt8(v >> 8), UInt8(v & 0xFF)] } else { row.append(UInt8(v)) }
            }
            let filter = filters[y % filters.count]
            raw.append(filter)
            raw += filtered(row, above: previous, type: filter, bytesPerPixel: bytesPerPixel)
            previous = row
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", be32(width) + be32(height) + [UInt8(bitDepth), UInt8(colorType), 0, 0, 0])
        for (type, data) in extraChunks { png += chunk(type, data) }
        let stream = zlibStored(raw)
        for start in stride(from: 0, to: stream.count, by: idatSize) {
            png += chunk("IDAT", Array(stream[start..<min(stream.count, start &+ idatSize)]))
        }
        png += chunk("IEND", [])
        return png
    }

    /// PNG spec §9.2: each byte minus its predictor, from the raw bytes of this row and the
    /// one above (zero above the first row, and left of the first pixel).
    private static func filtered(_ row: [UInt8], above: [UInt8], type: UInt8, bytesPerPixel: Int) -> [UInt8] {
        row.indices.map { i in
            let a = i >= bytesPerPixel ? Int(row[i - bytesPerPixel]) : 0
            let b = Int(above[i])
            let c = i >= bytesPerPixel ? Int(above[i - bytesPerPixel]) : 0
            let predictor: Int
            switch type {
            case 0: predictor = 0
            case 1: predictor = a
            case 2: predictor = b
            case 3: predictor = (a + b) / 2
            case 4:
                let p = a + b - c
                let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
            default: preconditionFailure("filter type \(type)")
            }
            return UInt8(truncatingIfNeeded: Int(row[i]) - predictor)
        }
    }

    /// gAMA for the common 1/2.2 encoding gamma.
    static let gammaChunk = ("gAMA", be32(45455))
    /// sRGB with perceptual rendering intent.
    static let srgbChunk = ("sRGB", [UInt8(0)])

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return be32(data.count) + typeBytes + data + be32(Int(crc32(typeBytes + data)))
    }

    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<(offset + n)]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + be32(Int((b << 16) | a))
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func be32(_ v: Int) -> [UInt8] {
        [UInt8((v >> 24) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
