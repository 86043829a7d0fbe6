/// Builds a minimal single-strip uncompressed grayscale TIFF by hand, in either byte order,
/// with the directory before the pixel data (libtiff writes it after), so a cut file keeps
/// its header and loses pixels.
enum TIFFBuilder {
    static func encode(width: Int, height: Int, bitsPerSample: Int, samples: [UInt16], bigEndian: Bool) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] {
            bigEndian ? [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)]
        }
        func u32(_ v: Int) -> [UInt8] {
            let b = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)]
            return bigEndian ? b.reversed() : b
        }
        let short = 3, long = 4
        let pixelBytes = width * height * bitsPerSample / 8
        let entries: [(tag: Int, type: Int, value: Int)] = [
            (256, long, width), (257, long, height), (258, short, bitsPerSample), (259, short, 1),
            (262, short, 1), (273, long, -1), (277, short, 1), (278, long, height), (279, long, pixelBytes),
        ]
        let dataOffset = 8 + 2 + entries.count * 12 + 4
        var out: [UInt8] = bigEndian ? [0x4D, 0x4D, 0, 42] : [0x49, 0x49, 42, 0]
        out += u32(8)
        out += u16(entries.count)
        for e in entries {
            let value = e.value == -1 ? dataOffset : e.value
            out += u16(e.tag) + u16(e.type) + u32(1)
            out += e.type == short ? u16(value) + [0, 0] : u32(value)
        }
        out += u32(0)
        for v in samples {
            if bitsPerSample == 16 { out += u16(Int(v)) } else { out.append(UInt8(v)) }
        }
        return out
    }
}
