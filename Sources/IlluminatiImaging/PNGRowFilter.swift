/// PNG's five row filters (PNG spec §9), undone in place.
///
/// `data` is the inflated image data of a non-interlaced PNG: `rows` rows of one filter-type
/// byte followed by `rowBytes` filtered bytes. Each row is rewritten to its raw bytes where
/// it lies, so row y's samples are `data[y * (rowBytes + 1) + 1 ..< (y + 1) * (rowBytes + 1)]`
/// afterwards. `bytesPerPixel` is the filters' left distance: 1 for 8-bit grey, 2 for 16-bit.
enum PNGRowFilter {
    struct BadFilterType: Error, Equatable {
        var row: Int
        var type: UInt8
    }

    static func unfilter(_ data: UnsafeMutableBufferPointer<UInt8>, rowBytes: Int, rows: Int,
                         bytesPerPixel: Int) throws(BadFilterType) {
        precondition(rowBytes >= bytesPerPixel && bytesPerPixel >= 1 && data.count >= rows * (rowBytes + 1))
        guard let base = data.baseAddress else { return }
        let stride = rowBytes + 1
        let bpp = bytesPerPixel
        for y in 0..<rows {
            let type = base[y * stride]
            let row = base + y * stride + 1
            // The row above, already unfiltered; the first row's "above" is zero.
            let above: UnsafeMutablePointer<UInt8>? = y == 0 ? nil : row - stride
            switch (type, above) {
            case (0, _):
                break
            case (1, _):
                for i in bpp..<rowBytes { row[i] &+= row[i - bpp] }
            case (2, nil):
                break
            case (2, let up?):
                for i in 0..<rowBytes { row[i] &+= up[i] }
            case (3, nil):
                for i in bpp..<rowBytes { row[i] &+= row[i - bpp] >> 1 }
            case (3, let up?):
                for i in 0..<bpp { row[i] &+= up[i] >> 1 }
                for i in bpp..<rowBytes { row[i] &+= UInt8((UInt16(row[i - bpp]) + UInt16(up[i])) >> 1) }
            case (4, nil):
                // Paeth with a zero row above always picks the left byte: Sub.
                for i in bpp..<rowBytes { row[i] &+= row[i - bpp] }
            case (4, let up?):
                for i in 0..<bpp { row[i] &+= up[i] }
                for i in bpp..<rowBytes { row[i] &+= paeth(row[i - bpp], up[i], up[i - bpp]) }
            default:
                throw BadFilterType(row: y, type: type)
            }
        }
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
