import CPNG
import Foundation
import IlluminatiTestSupport

/// An RGB screenshot read with libpng's simplified API.
struct Screenshot {
    var width: Int
    var height: Int
    var rgb: [UInt8]

    init(path: String) throws {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else { throw HTTPTestError("cannot read PNG \(path)") }
        image.format = UInt32(PNG_FORMAT_RGB)
        let width = Int(image.width), height = Int(image.height)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        let ok = rgb.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * 3), nil) }
        guard ok != 0 else { throw HTTPTestError("cannot decode PNG \(path)") }
        self.width = width
        self.height = height
        self.rgb = rgb
    }

    /// Mean of R+G+B over a rectangle (clipped to the picture), 0…765.
    func meanBrightness(x0: Int, y0: Int, x1: Int, y1: Int) -> Double {
        let xa = max(0, x0), ya = max(0, y0), xb = min(width, x1), yb = min(height, y1)
        guard xb > xa, yb > ya else { return 0 }
        var sum = 0
        for y in ya..<yb { for x in xa..<xb {
            let i = (y * width + x) * 3
            sum += Int(rgb[i]) + Int(rgb[i + 1]) + Int(rgb[i + 2])
        } }
        return Double(sum) / Double((xb - xa) * (yb - ya))
    }

    /// Mean absolute difference per channel to another picture of the same size.
    func difference(to other: Screenshot) -> Double {
        guard other.width == width, other.height == height else { return .infinity }
        var sum = 0
        for i in rgb.indices { sum += abs(Int(rgb[i]) - Int(other.rgb[i])) }
        return Double(sum) / Double(rgb.count)
    }

    /// Pixels with clearly more red than blue: the well outlines (yellow, antialiased) and nothing
    /// else, since the channel tints are blue (more blue than red) and green (no red).
    func yellowPixels() -> Int {
        var count = 0
        for i in stride(from: 0, to: rgb.count, by: 3) where rgb[i] > 80 && Int(rgb[i + 2]) * 2 < Int(rgb[i]) {
            count += 1
        }
        return count
    }

    /// Mean of one colour channel (0 red, 1 green, 2 blue) over the whole picture.
    func channelMean(_ channel: Int) -> Double {
        var sum = 0
        for i in stride(from: channel, to: rgb.count, by: 3) { sum += Int(rgb[i]) }
        return Double(sum) / Double(width * height)
    }
}
