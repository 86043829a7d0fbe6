import IlluminatiStorage

/// Reading and writing single-channel microscope images (TIFF and PNG, 8 or 16 bits).
///
/// Every failure is an `ImageFileError` naming the file and the problem; nothing is printed
/// and nothing traps. Different files may be read and written from different threads at once.
public enum ImageFiles {
    /// Reads only the header: size, sample size and significant bits.
    /// Throws for anything `read` would reject (colour, float, 1-bit …).
    public static func probe(_ path: String) throws -> ImageFileInfo {
        try attaching(path) { () in
            switch try FileSniffer.checkedFormat(of: path) {
            case .tiff: try TIFFReader.probe(path)
            case .png: try PNGFile.probe(path)
            }
        }
    }

    /// Decodes an 8- or 16-bit grayscale image; 8-bit samples are widened to `UInt16`.
    public static func read(_ path: String) throws -> GrayImage {
        try attaching(path) { () in
            switch try FileSniffer.checkedFormat(of: path) {
            case .tiff: try TIFFReader.read(path)
            case .png: try PNGFile.read(path)
            }
        }
    }

    /// Writes atomically (temporary file + rename). The container is 8-bit when
    /// `bitDepth <= 8`, else 16-bit; other depths are recorded as TIFF MaxSampleValue or PNG sBIT.
    /// `format` defaults to the extension's; `compression` applies to TIFF only.
    public static func write(_ image: GrayImage, to path: String, format: ImageFileFormat? = nil,
                             compression: TIFFCompression = .none) throws {
        try attaching(path) { () in
            let format = try resolvedFormat(format, path)
            try validate(image)
            try AtomicFile.write(to: path) { (temporary) in
                switch format {
                case .tiff: try writeTIFF(image, to: temporary, compression: compression)
                case .png:
                    try PNGFile.write(image.pixels, width: image.width, height: image.height,
                                      containerBits: image.bitDepth <= 8 ? 8 : 16,
                                      significantBits: image.bitDepth, to: temporary)
                }
            }
        }
    }

    static func writeTIFF(_ image: GrayImage, to path: String, compression: TIFFCompression,
                          tileSize: (width: Int, height: Int)? = nil) throws {
        let containerBits = image.bitDepth <= 8 ? 8 : 16
        var layout = TIFFWriteLayout(width: image.width, height: image.height, bitsPerSample: containerBits)
        layout.compression = compression
        layout.tileSize = tileSize
        if image.bitDepth != containerBits { layout.maxSampleValue = image.maxValue }
        if containerBits == 16 {
            try image.pixels.withUnsafeBytes { (raw) in
                try TIFFWriter.write(raw, layout: layout, to: path)
            }
        } else {
            let bytes = image.pixels.map { UInt8(truncatingIfNeeded: $0) }
            try bytes.withUnsafeBytes { (raw) in
                try TIFFWriter.write(raw, layout: layout, to: path)
            }
        }
    }

    private static func resolvedFormat(_ requested: ImageFileFormat?, _ path: String) throws -> ImageFileFormat {
        let named = ImageFileFormat(path: path)
        switch (requested, named) {
        case (nil, nil):
            throw ImageFailure("unsupported file extension (expected .tif, .tiff or .png)")
        case let (requested?, named?) where requested != named:
            // Such a file could never be read back: readers insist that content matches the name.
            throw ImageFailure("asked to write \(requested.displayName) to a file named as \(named.displayName)")
        default:
            return requested ?? named!
        }
    }

    private static func validate(_ image: GrayImage) throws {
        guard (1...16).contains(image.bitDepth) else {
            throw ImageFailure("bit depth \(image.bitDepth) is not supported (1…16)")
        }
        guard image.width > 0, image.height > 0, image.pixels.count == image.width * image.height else {
            throw ImageFailure("image \(image.width)×\(image.height) with \(image.pixels.count) samples cannot be written")
        }
        _ = try ImageLimits.pixelCount(image.width, image.height)
        // A file whose samples exceed its declared depth would be misread as saturated.
        let limit = UInt16(image.maxValue)
        if limit < UInt16.max, let bad = image.pixels.firstIndex(where: { $0 > limit }) {
            throw ImageFailure("pixel (y: \(bad / image.width), x: \(bad % image.width)) = \(image.pixels[bad]) "
                               + "exceeds \(limit), the maximum for bit depth \(image.bitDepth)")
        }
    }

    private static func attaching<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as ImageFailure {
            throw ImageFileError(path: path, reason: failure.reason)
        } catch let failure as StorageError {
            throw ImageFileError(path: path, reason: failure.reason)
        } catch {
            throw ImageFileError(path: path, reason: String(describing: error))
        }
    }
}
