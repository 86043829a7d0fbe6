import IlluminatiImaging

/// Which wells of each plate are imaged.
public enum SampleWells: Sendable, Equatable {
    /// A compact block from A01: rows = ⌊√N⌋ (at least 1, at most 16), columns = ⌈N / rows⌉,
    /// filled row-major, first N wells. 4 → A01 A02 B01 B02.
    case count(Int)
    /// Explicit wells such as "B03" (row A–P, column 01–24).
    case names([String])
}

/// What to synthesize: the plate layout, the acquisition dimensions and the camera.
public struct SamplePlateSpec: Sendable, Equatable {
    /// The simulated camera's pixel, in micrometres (stage positions are written with it).
    public static let pixelSizeMicrometres = 0.65

    public var plates = 1
    public var wells: SampleWells = .count(4)
    public var siteRows = 3
    public var siteColumns = 3
    public var height = 512
    public var width = 512
    public var channels = 2
    public var cycles = 1
    public var tpoints = 1
    public var zplanes = 1
    public var format: ImageFileFormat = .tiff
    /// Camera bit depth: 12 or 16.
    public var bitDepth = 16
    /// Write stage positions in micrometres instead of site grid indices.
    public var positions = false
    public var seed: UInt64 = 1

    public init() {}

    /// Throws a `SamplePlateError` explaining the first nonsensical setting.
    public func validate() throws {
        try require(plates, in: 1...99, "plates")
        try require(siteRows, in: 1...100, "site rows")
        try require(siteColumns, in: 1...100, "site columns")
        try require(height, in: 16...16384, "image height")
        try require(width, in: 16...16384, "image width")
        try require(channels, in: 1...SampleChannels.maximum, "channels")
        try require(cycles, in: 1...100, "cycles")
        try require(tpoints, in: 1...1000, "time points")
        try require(zplanes, in: 1...100, "z planes")
        guard bitDepth == 12 || bitDepth == 16 else {
            throw SamplePlateError("bit depth must be 12 or 16, got \(bitDepth)")
        }
        let wellCount = try WellPosition.resolve(wells).count
        let images = [plates, wellCount, siteRows * siteColumns, channels, cycles, tpoints, zplanes]
            .reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        guard images <= 10_000_000 else {
            throw SamplePlateError("the spec asks for \(images) images; the limit is 10000000")
        }
    }

    private func require(_ value: Int, in range: ClosedRange<Int>, _ name: String) throws {
        guard range.contains(value) else {
            throw SamplePlateError("\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }
}

/// What `SamplePlate.generate` wrote.
public struct SamplePlateResult: Sendable {
    /// Absolute path of manifest.csv.
    public var manifestPath: String
    public var imageCount: Int
    public var channelNames: [String]
}

/// A spec that makes no sense, or a failure while writing the plate.
public struct SamplePlateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Channel names: common fluorophores first, then numbered.
enum SampleChannels {
    static let maximum = 20
    private static let known = ["DAPI", "GFP", "Cy3", "Cy5", "mCherry", "BFP", "YFP", "CFP"]

    static func name(_ index: Int) -> String {
        index < known.count ? known[index] : "ch" + zeroPadded(index, width: 2)
    }
}

func zeroPadded(_ value: Int, width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
