/// PNG's five row filters (PNG spec §9), undone in place.
///
/// `data` is the inflated image data of a non-interlaced PNG: `rows` rows of one filter-type
/// byte followed by `rowBytes` filtered bytes. Each row is rewritten to its raw bytes where
/// it lies, so row y's samples are `data[y * (rowBytes + 1) + 1 ..< (y + 1) * (rowBytes + 1)]`
/// afterwards. `bytesPerPixel` is the filters' left distance: 1 for 8-bit grey, 2 for 16-bit,
/// the only two a grey PNG the decoder accepts can have.
///
/// Each byte depends on the byte to its left, just written: a loop that reads it back from
/// memory waits for the store every time. Sub, the filter of most camera PNGs, is therefore
/// undone eight bytes at a time as a prefix sum in a 64-bit word, and Average and Paeth keep
/// the left pixel in registers (two interleaved chains for 16-bit samples).
enum PNGRowFilter {
    struct BadFilterType: Error, Equatable {
        var row: Int
        var type: UInt8
    }

    static func unfilter(_ data: UnsafeMutableBufferPointer<UInt8>, rowBytes: Int, rows: Int,
                         bytesPerPixel: Int) throws(BadFilterType) {
        precondition((bytesPerPixel == 1 || bytesPerPixel == 2) && rowBytes >= bytesPerPixel
            && rowBytes % bytesPerPixel == 0 && data.count >= rows * (rowBytes + 1))
        guard let base = data.baseAddress else { return }
        let stride = rowBytes + 1
        // The first row's "above" is zero.
        var zeros: [UInt8] = []
        for y in 0..<rows {
            let type = base[y * stride]
            let row = base + y * stride + 1
            let above: UnsafePointer<UInt8>? = y == 0 ? nil : UnsafePointer(row - stride)
            switch type {
            case 0:
                break
            case 1:
                sub(row, count: rowBytes, bytesPerPixel: bytesPerPixel)
            case 2:
                if let above { for i in 0..<rowBytes { row[i] &+= above[i] } }
            case 3, 4:
                if above == nil && zeros.isEmpty { zeros = [UInt8](repeating: 0, count: rowBytes) }
                zeros.withUnsafeBufferPointer { zero in
                    let up = above ?? zero.baseAddress!
                    if type == 3 {
                        withLeft(row, above: up, count: rowBytes, bytesPerPixel: bytesPerPixel, average)
                    } else {
                        withLeft(row, above: up, count: rowBytes, bytesPerPixel: bytesPerPixel, paeth)
                    }
                }
            default:
                throw BadFilterType(row: y, type: type)
            }
        }
    }

    /// Sub: each byte plus the one `bytesPerPixel` to its left. Within a little-endian word
    /// that is a prefix sum of its pixels, done in log₂ steps of bytewise additions; the last
    /// pixel of each word, repeated, is then added to every pixel of the next.
    static func sub(_ row: UnsafeMutablePointer<UInt8>, count: Int, bytesPerPixel bpp: Int) {
        let pixelBits = UInt64(8 * bpp)
        let repeatPixel: UInt64 = bpp == 1 ? 0x0101_0101_0101_0101 : 0x0001_0001_0001_0001
        var carry: UInt64 = 0
        var i = 0
        while i + 8 <= count {
            let at = UnsafeMutableRawPointer(row + i)
            var word = UInt64(littleEndian: at.loadUnaligned(as: UInt64.self))
            var shift = pixelBits
            while shift < 64 {
                word = bytewiseSum(word, word << shift)
                shift <<= 1
            }
            word = bytewiseSum(word, carry)
            at.storeBytes(of: word.littleEndian, as: UInt64.self)
            carry = (word >> (64 - pixelBits)) &* repeatPixel
            i += 8
        }
        for j in max(i, bpp)..<count { row[j] &+= row[j - bpp] }
    }

    /// Eight independent byte additions modulo 256: no carry crosses a byte.
    @inline(__always)
    static func bytewiseSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ((a & low) &+ (b & low)) ^ ((a ^ b) & ~low)
    }

    /// Undoes a filter that predicts a byte from its left, above and upper-left neighbours
    /// (zero left of the row's first pixel).
    @inline(__always)
    private static func withLeft(_ row: UnsafeMutablePointer<UInt8>, above: UnsafePointer<UInt8>, count: Int,
                                 bytesPerPixel: Int, _ predict: (UInt8, UInt8, UInt8) -> UInt8) {
        if bytesPerPixel == 2 {
            var left0: UInt8 = 0, left1: UInt8 = 0, upperLeft0: UInt8 = 0, upperLeft1: UInt8 = 0
            var i = 0
            while i + 1 < count {
                let up0 = above[i], up1 = above[i + 1]
                left0 = row[i] &+ predict(left0, up0, upperLeft0)
                left1 = row[i + 1] &+ predict(left1, up1, upperLeft1)
                row[i] = left0
                row[i + 1] = left1
                upperLeft0 = up0
                upperLeft1 = up1
                i += 2
            }
        } else {
            var left: UInt8 = 0, upperLeft: UInt8 = 0
            for i in 0..<count {
                let up = above[i]
                left = row[i] &+ predict(left, up, upperLeft)
                row[i] = left
                upperLeft = up
            }
        }
    }

    @inline(__always)
    static func average(_ left: UInt8, _ above: UInt8, _: UInt8) -> UInt8 {
        UInt8((UInt16(left) + UInt16(above)) >> 1)
    }

    /// The neighbour (left, above, upper left) nearest to left + above − upper left; ties
    /// go in that order.
    @inline(__always)
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }
}
