/// Pixel maths on the lossless pyramid intermediate: 8-bit display values with 8 fractional
/// bits in a `UInt16` (0 … 255·256). Every pyramid level is computed from the level below in
/// this form and rounded to bytes once, when its tiles are encoded, so no level carries the
/// rounding (or JPEG) error of the levels below it.
public enum FixedPoint {
    /// 255 in fixed point.
    public static let maximum: UInt16 = 65280

    /// Round half up to the display byte.
    @inline(__always)
    public static func byte(_ value: UInt16) -> UInt8 {
        UInt8(truncatingIfNeeded: (UInt32(value) &+ 128) &>> 8)
    }

    /// Size of the next coarser level: halves, rounding up.
    public static func halved(_ length: Int) -> Int { (length + 1) / 2 }

    /// 2×2 means with round half up: `(a + b + c + d + 2) / 4`. Where a width or height is odd,
    /// the last output column/row averages only the pixels that exist (the mean of 2, or
    /// the pixel itself in the corner), which is the same as repeating the edge pixel.
    ///
    /// Reads `height` rows of `width` samples at `source` (row pitch `sourceStride`) and writes
    /// ⌈height/2⌉ rows of ⌈width/2⌉ samples at `destination` (row pitch `destinationStride`).
    public static func downsample(_ source: UnsafePointer<UInt16>, width: Int, height: Int, sourceStride: Int,
                                  into destination: UnsafeMutablePointer<UInt16>, destinationStride: Int) {
        guard width > 0, height > 0 else { return }
        let pairs = width / 2
        let oddColumn = width & 1 == 1
        var y = 0
        var outRow = destination
        while y < height {
            let top = source + y * sourceStride
            // A missing bottom row repeats the top one.
            let bottom = y + 1 < height ? top + sourceStride : top
            meanRow(top, bottom, pairs: pairs, into: outRow)
            if oddColumn {
                let a = UInt32(top[width - 1]), c = UInt32(bottom[width - 1])
                outRow[pairs] = UInt16(truncatingIfNeeded: (a &+ a &+ c &+ c &+ 2) &>> 2)
            }
            y += 2
            outRow += destinationStride
        }
    }

    /// Convenience over arrays: returns the coarser level and its size.
    public static func downsample(_ source: [UInt16], width: Int, height: Int) -> (pixels: [UInt16], width: Int, height: Int) {
        let w = halved(width), h = halved(height)
        var out = [UInt16](repeating: 0, count: w * h)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                downsample(s, width: width, height: height, sourceStride: width, into: d, destinationStride: w)
            }
        }
        return (out, w, h)
    }

    @inline(__always)
    private static func meanRow(_ top: UnsafePointer<UInt16>, _ bottom: UnsafePointer<UInt16>, pairs: Int,
                                into out: UnsafeMutablePointer<UInt16>) {
        // Plain indexed loop over raw pointers: the compiler vectorises it.
        for x in 0..<pairs {
            let sum = UInt32(top[2 &* x]) &+ UInt32(top[2 &* x &+ 1]) &+ UInt32(bottom[2 &* x]) &+ UInt32(bottom[2 &* x &+ 1])
            out[x] = UInt16(truncatingIfNeeded: (sum &+ 2) &>> 2)
        }
    }

    /// Rounds a `width`×`height` region (row pitch `sourceStride`) to display bytes, written
    /// contiguously (pitch `width`) at `destination`. Returns false when every byte is 0, so
    /// a blank tile can be skipped without a second pass.
    public static func toBytes(_ source: UnsafePointer<UInt16>, width: Int, height: Int, sourceStride: Int,
                               into destination: UnsafeMutablePointer<UInt8>) -> Bool {
        var any: UInt8 = 0
        for y in 0..<height {
            let row = source + y * sourceStride
            let out = destination + y * width
            var rowAny: UInt8 = 0
            for x in 0..<width {
                let b = UInt8(truncatingIfNeeded: (UInt32(row[x]) &+ 128) &>> 8)
                out[x] = b
                rowAny |= b
            }
            any |= rowAny
        }
        return any != 0
    }
}
