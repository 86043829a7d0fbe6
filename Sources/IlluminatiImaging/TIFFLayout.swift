import CTIFF

/// The tags of a TIFF's first image that decide how its pixels are decoded.
struct TIFFLayout {
    var width: Int
    var height: Int
    var bitsPerSample: Int
    var samplesPerPixel: Int
    var sampleFormat: Int
    var photometric: Int?
    var compression: Int
    var maxSampleValue: Int?
    var tileSize: (width: Int, height: Int)?
    var rowsPerStrip: Int

    init(_ tif: TIFFHandle) throws {
        let t = tif.pointer
        var w: UInt32 = 0, h: UInt32 = 0
        guard ctiff_get_u32(t, UInt32(TIFFTAG_IMAGEWIDTH), &w) == 1,
              ctiff_get_u32(t, UInt32(TIFFTAG_IMAGELENGTH), &h) == 1 else {
            throw tif.failure("missing image width or height")
        }
        width = Int(w)
        height = Int(h)
        bitsPerSample = Int(Self.u16(t, TIFFTAG_BITSPERSAMPLE, defaulted: true) ?? 1)
        samplesPerPixel = Int(Self.u16(t, TIFFTAG_SAMPLESPERPIXEL, defaulted: true) ?? 1)
        sampleFormat = Int(Self.u16(t, TIFFTAG_SAMPLEFORMAT, defaulted: true) ?? UInt16(SAMPLEFORMAT_UINT))
        photometric = Self.u16(t, TIFFTAG_PHOTOMETRIC, defaulted: false).map(Int.init)
        compression = Int(Self.u16(t, TIFFTAG_COMPRESSION, defaulted: true) ?? UInt16(COMPRESSION_NONE))
        // Only an explicit tag counts: libtiff fills in 2^bps − 1 otherwise.
        maxSampleValue = Self.u16(t, TIFFTAG_MAXSAMPLEVALUE, defaulted: false).map(Int.init)
        if TIFFIsTiled(t) != 0 {
            var tw: UInt32 = 0, th: UInt32 = 0
            _ = ctiff_get_u32(t, UInt32(TIFFTAG_TILEWIDTH), &tw)
            _ = ctiff_get_u32(t, UInt32(TIFFTAG_TILELENGTH), &th)
            tileSize = (Int(tw), Int(th))
        } else {
            tileSize = nil
            // An absent RowsPerStrip means one strip for the whole image (TIFF 6.0 default 2^32 − 1).
            var rows: UInt32 = 0
            let found = ctiff_get_u32(t, UInt32(TIFFTAG_ROWSPERSTRIP), &rows) == 1
            rowsPerStrip = found && rows > 0 ? min(Int(rows), max(height, 1)) : max(height, 1)
            return
        }
        rowsPerStrip = height
    }

    /// Significant bits: MaxSampleValue 4095 means 12 bits in a 16-bit container.
    var significantBits: Int {
        guard let maxSampleValue, maxSampleValue > 0 else { return bitsPerSample }
        return min(bitsPerSample, Int.bitWidth - maxSampleValue.leadingZeroBitCount)
    }

    /// Throws the reason this image is not one we decode: single-sample unsigned 8/16-bit.
    func requireGray() throws {
        guard width > 0, height > 0 else { throw ImageFailure("image has no pixels (\(width)×\(height))") }
        guard samplesPerPixel == 1 else {
            let kind = samplesPerPixel >= 3 ? "RGB/colour image" : "image with an alpha channel"
            throw ImageFailure("\(kind): \(samplesPerPixel) samples per pixel, need 1 (grayscale)")
        }
        switch Int32(sampleFormat) {
        case SAMPLEFORMAT_UINT: break
        case SAMPLEFORMAT_IEEEFP:
            throw ImageFailure("\(bitsPerSample)-bit floating-point samples are not supported (need 8- or 16-bit unsigned integers)")
        case SAMPLEFORMAT_INT:
            throw ImageFailure("\(bitsPerSample)-bit signed integer samples are not supported (need 8- or 16-bit unsigned integers)")
        default:
            throw ImageFailure("sample format \(sampleFormat) is not supported (need 8- or 16-bit unsigned integers)")
        }
        guard bitsPerSample == 8 || bitsPerSample == 16 else {
            let what = bitsPerSample == 1 ? "1-bit (black and white)" : "\(bitsPerSample)-bit"
            throw ImageFailure("\(what) samples are not supported (need 8 or 16 bits per sample)")
        }
        switch photometric.map(Int32.init) {
        case nil, PHOTOMETRIC_MINISBLACK?: break
        case PHOTOMETRIC_MINISWHITE?: throw ImageFailure("inverted grayscale (MinIsWhite) is not supported")
        case PHOTOMETRIC_PALETTE?: throw ImageFailure("palette-colour image, need grayscale")
        case let other?: throw ImageFailure("photometric interpretation \(other) is not grayscale")
        }
        guard TIFFIsCODECConfigured(UInt16(clamping: compression)) != 0 else {
            throw ImageFailure("compression scheme \(compression) is not supported by this libtiff")
        }
        if let tileSize, tileSize.width <= 0 || tileSize.height <= 0 {
            throw ImageFailure("invalid tile size \(tileSize.width)×\(tileSize.height)")
        }
    }

    private static func u16(_ t: OpaquePointer, _ tag: Int32, defaulted: Bool) -> UInt16? {
        var value: UInt16 = 0
        let found = defaulted ? ctiff_get_u16_defaulted(t, UInt32(tag), &value) : ctiff_get_u16(t, UInt32(tag), &value)
        return found == 1 ? value : nil
    }
}
