import CPNGShim

/// Grayscale PNG through the C shim, which uses libpng's classic API so 16-bit samples
/// come back exactly as stored even when the file carries gAMA or sRGB; the image data of
/// plain files is decoded by `PNGImageData`, several times faster than libpng's zlib.
enum PNGFile {
    /// Reads the header and checks, without decoding, that the image is within the pixel
    /// budget and that the file holds its whole chunk list.
    static func probe(_ path: String) throws -> ImageFileInfo {
        let reader = try PNGReader(path)
        try reader.requireGray()
        _ = try ImageLimits.pixelCount(reader.info.width, reader.info.height)
        try checkChunkList(path)
        return reader.info
    }

    /// Who decodes the image data after libpng has read the header.
    enum Decoder {
        /// `PNGImageData` (libdeflate) for non-interlaced files, libpng for the rest and for
        /// any file it refuses, so that libpng's message names the problem.
        case fast
        /// libpng alone, as the reference the fast decoder is tested against.
        case libpng
    }

    /// `check` sees the header before any pixel is decoded (or allocated).
    static func read(_ path: String, decoder: Decoder = .fast,
                     check: ((ImageFileInfo) throws -> Void)? = nil) throws -> GrayImage {
        let reader = try PNGReader(path)
        try reader.requireGray()
        let info = reader.info
        try check?(info)
        let count = try ImageLimits.pixelCount(info.width, info.height)
        if decoder == .fast, reader.header.interlaced == 0,
           let pixels = PNGImageData.decode(path: path, width: info.width, height: info.height,
                                            bitsPerSample: info.bitsPerSample) {
            return GrayImage(width: info.width, height: info.height, bitDepth: info.bitDepth, pixels: pixels)
        }
        var pixels = [UInt16](repeating: 0, count: count)
        var message = MessageBuffer()
        let status = pixels.withUnsafeMutableBufferPointer { buffer in
            message.withPointer { pngshim_reader_read_gray(reader.handle, buffer.baseAddress, count, $0, $1) }
        }
        guard status == 0 else { throw ImageFailure(pngReason(message.text)) }
        return GrayImage(width: info.width, height: info.height, bitDepth: info.bitDepth, pixels: pixels)
    }

    /// Writes 8- or 16-bit grayscale; `significantBits` below the container depth becomes sBIT.
    /// The defaults favour speed: the low bits of camera data are noise, which no zlib level
    /// compresses much, while level 6 with adaptive filtering takes three times as long.
    static func write(_ pixels: [UInt16], width: Int, height: Int, containerBits: Int, significantBits: Int,
                      to path: String, compressionLevel: Int = 1, subFilterOnly: Bool = true) throws {
        var params = pngshim_write_params(width: UInt32(width), height: UInt32(height),
                                          bit_depth: Int32(containerBits),
                                          significant_bits: Int32(significantBits),
                                          compression_level: Int32(compressionLevel),
                                          sub_filter_only: subFilterOnly ? 1 : 0)
        var message = MessageBuffer()
        let status = pixels.withUnsafeBufferPointer { buffer in
            message.withPointer { pngshim_write_gray(path, buffer.baseAddress, &params, $0, $1) }
        }
        guard status == 0 else { throw ImageFailure(pngReason(message.text)) }
    }

    /// libpng's messages are terse ("Read Error", "IDAT: CRC error"); say what they mean.
    private static func pngReason(_ message: String) -> String {
        switch message {
        case "Read Error", "Not enough image data":
            "truncated PNG: the file ends before the image data does (libpng: \(message))"
        case "": "libpng failed without a message"
        default: message.hasPrefix("cannot") || message.hasPrefix("not a") ? message : "libpng: \(message)"
        }
    }
}

/// An open PNG whose header has been read.
private final class PNGReader {
    let handle: OpaquePointer
    let header: pngshim_header
    let path: String

    init(_ path: String) throws {
        self.path = path
        var header = pngshim_header()
        var message = MessageBuffer()
        let handle = message.withPointer { pngshim_reader_open(path, &header, $0, $1) }
        guard let handle else {
            let text = message.text
            throw ImageFailure(text == "Read Error" ? "truncated PNG: the file ends inside the header" : text)
        }
        self.handle = handle
        self.header = header
    }

    deinit {
        // libpng's warnings (bad ancillary chunks, odd profiles) go to the log, never stderr.
        if let warnings = pngshim_reader_warnings(handle).map({ String(cString: $0) }), !warnings.isEmpty {
            ImagingLog.logger.debug("libpng: \(warnings)", metadata: ["file": "\(path)"])
        }
        pngshim_reader_close(handle)
    }

    var info: ImageFileInfo {
        let bits = Int(header.bit_depth)
        let significant = Int(header.significant_bits)
        return ImageFileInfo(format: .png, width: Int(header.width), height: Int(header.height),
                             bitsPerSample: bits,
                             bitDepth: significant > 0 && significant <= bits ? significant : bits,
                             samplesPerPixel: Int(header.channels))
    }

    func requireGray() throws {
        switch Int(header.color_type) {
        case Int(PNGSHIM_COLOR_GRAY): break
        case Int(PNGSHIM_COLOR_PALETTE): throw ImageFailure("palette-colour PNG, need grayscale")
        case Int(PNGSHIM_COLOR_GRAY_ALPHA):
            throw ImageFailure("grayscale+alpha PNG: 2 samples per pixel, need 1 (grayscale)")
        default:
            throw ImageFailure("RGB/colour PNG: \(header.channels) samples per pixel, need 1 (grayscale)")
        }
        guard header.bit_depth == 8 || header.bit_depth == 16 else {
            throw ImageFailure("\(header.bit_depth)-bit PNG samples are not supported (need 8 or 16 bits per sample)")
        }
    }
}

/// A C message buffer for the shim's `char *err, size_t errlen` parameters.
private struct MessageBuffer {
    private var bytes = [CChar](repeating: 0, count: 512)

    mutating func withPointer<R>(_ body: (UnsafeMutablePointer<CChar>, Int) -> R) -> R {
        bytes.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
    }

    var text: String {
        bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
