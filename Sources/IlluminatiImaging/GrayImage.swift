/// A single-channel image as it comes off a microscope camera.
///
/// Samples are always held as `UInt16`, whatever the file stored, so that code downstream
/// never branches on the container; `bitDepth` says how many of the 16 bits carry signal
/// (8, 12, 16 …), which decides the display range later.
public struct GrayImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Significant bits: the largest meaningful sample is `2^bitDepth − 1`.
    public var bitDepth: Int
    /// Row-major, `width * height` samples.
    public var pixels: [UInt16]

    public init(width: Int, height: Int, bitDepth: Int, pixels: [UInt16]) {
        precondition(width >= 0 && height >= 0, "GrayImage size must not be negative")
        precondition(pixels.count == width * height,
                     "GrayImage needs \(width)×\(height) = \(width * height) samples, got \(pixels.count)")
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.pixels = pixels
    }

    /// A black image.
    public init(width: Int, height: Int, bitDepth: Int) {
        self.init(width: width, height: height, bitDepth: bitDepth,
                  pixels: [UInt16](repeating: 0, count: max(0, width) * max(0, height)))
    }

    /// `image[y, x]`: row first, like the storage order.
    public subscript(y: Int, x: Int) -> UInt16 {
        get { pixels[index(y, x)] }
        set { pixels[index(y, x)] = newValue }
    }

    /// `image[y: 3, x: 4]`: the same, for call sites that prefer to spell the axes out.
    public subscript(y y: Int, x x: Int) -> UInt16 {
        get { pixels[index(y, x)] }
        set { pixels[index(y, x)] = newValue }
    }

    /// The largest sample value the significant bits allow.
    var maxValue: Int { bitDepth >= 16 ? 65535 : (1 << max(0, bitDepth)) - 1 }

    @inline(__always)
    private func index(_ y: Int, _ x: Int) -> Int {
        // The array checks only the flat index; a wrong x would silently land on another row.
        precondition(x >= 0 && x < width && y >= 0 && y < height,
                     "pixel (y: \(y), x: \(x)) outside \(width)×\(height)")
        return y * width + x
    }
}
