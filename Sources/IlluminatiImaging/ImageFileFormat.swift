/// The two containers microscopes write single-channel images in.
public enum ImageFileFormat: String, Sendable, Codable {
    case tiff
    case png

    /// The format a path's extension names (`.tif`, `.tiff`, `.png`, any case), or nil.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."),
              !path[path.index(after: dot)...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "tif", "tiff": self = .tiff
        case "png": self = .png
        default: return nil
        }
    }

    /// How error messages name the format.
    var displayName: String {
        switch self {
        case .tiff: "TIFF"
        case .png: "PNG"
        }
    }
}

/// How TIFF files are compressed when written (PNG is always deflated).
public enum TIFFCompression: String, Sendable {
    case none
    case lzw
    case deflate
}

/// What a file's header says, without decoding pixels.
public struct ImageFileInfo: Sendable, Equatable {
    public var format: ImageFileFormat
    public var width: Int
    public var height: Int
    /// Bits per stored sample: 8 or 16.
    public var bitsPerSample: Int
    /// Significant bits: PNG sBIT, TIFF MaxSampleValue (4095 → 12), else `bitsPerSample`.
    public var bitDepth: Int
    public var samplesPerPixel: Int

    public init(format: ImageFileFormat, width: Int, height: Int, bitsPerSample: Int,
                bitDepth: Int, samplesPerPixel: Int) {
        self.format = format
        self.width = width
        self.height = height
        self.bitsPerSample = bitsPerSample
        self.bitDepth = bitDepth
        self.samplesPerPixel = samplesPerPixel
    }
}
