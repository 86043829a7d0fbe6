import CTIFF

/// How a TIFF is laid out on disk. The public writer uses 8/16-bit grayscale strips; the
/// other fields exist so tests can produce the files other software writes (tiles, RGB,
/// floats, bilevel) and check that the reader copes.
struct TIFFWriteLayout {
    var width: Int
    var height: Int
    var bitsPerSample: Int
    var samplesPerPixel = 1
    var sampleFormat = Int(SAMPLEFORMAT_UINT)
    var photometric = Int(PHOTOMETRIC_MINISBLACK)
    var compression = TIFFCompression.none
    /// Tile width and height (multiples of 16), or nil for strips.
    var tileSize: (width: Int, height: Int)? = nil
    /// Written only when set; readers take it as the significant bits.
    var maxSampleValue: Int? = nil

    var rowBytes: Int { (width * samplesPerPixel * bitsPerSample + 7) / 8 }
}

enum TIFFWriter {
    /// Strips of about this many bytes: large enough for fast I/O, small enough that a
    /// reader can decode one without a big temporary buffer.
    static let targetStripBytes = 256 * 1024

    /// Writes `data` (rows of `layout.rowBytes` bytes, host byte order) to `path`.
    static func write(_ data: UnsafeRawBufferPointer, layout: TIFFWriteLayout, to path: String) throws {
        let (total, overflow) = layout.rowBytes.multipliedReportingOverflow(by: layout.height)
        guard layout.width > 0, layout.height > 0, !overflow, data.count == total else {
            throw ImageFailure("pixel buffer of \(data.count) bytes does not match \(layout.width)×\(layout.height)")
        }
        // Classic TIFF offsets are 32-bit; leave headroom for tags and compression overhead.
        let tif = try TIFFHandle.open(path, mode: total > 0x7000_0000 ? "w8" : "w")
        try setTags(tif, layout)
        if let tile = layout.tileSize {
            try writeTiles(tif, data, layout, tile: tile)
        } else {
            try writeStrips(tif, data, layout)
        }
        let flushed = TIFFFlush(tif.pointer) == 1
        tif.close()
        guard flushed, !tif.hasErrors else { throw tif.failure("cannot write the file") }
    }

    private static func setTags(_ tif: TIFFHandle, _ layout: TIFFWriteLayout) throws {
        let t = tif.pointer
        var ok = ctiff_set_u32(t, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(layout.width)) == 1
        ok = ok && ctiff_set_u32(t, UInt32(TIFFTAG_IMAGELENGTH), UInt32(layout.height)) == 1
        ok = ok && set16(t, TIFFTAG_BITSPERSAMPLE, layout.bitsPerSample)
        ok = ok && set16(t, TIFFTAG_SAMPLESPERPIXEL, layout.samplesPerPixel)
        ok = ok && set16(t, TIFFTAG_SAMPLEFORMAT, layout.sampleFormat)
        ok = ok && set16(t, TIFFTAG_PHOTOMETRIC, layout.photometric)
        ok = ok && set16(t, TIFFTAG_PLANARCONFIG, Int(PLANARCONFIG_CONTIG))
        ok = ok && set16(t, TIFFTAG_COMPRESSION, Int(codec(layout.compression)))
        if layout.compression != .none && layout.sampleFormat == Int(SAMPLEFORMAT_UINT)
            && (layout.bitsPerSample == 8 || layout.bitsPerSample == 16) {
            // Horizontal differencing roughly halves LZW/deflate output for camera images.
            ok = ok && set16(t, TIFFTAG_PREDICTOR, Int(PREDICTOR_HORIZONTAL))
        }
        if let tile = layout.tileSize {
            ok = ok && ctiff_set_u32(t, UInt32(TIFFTAG_TILEWIDTH), UInt32(tile.width)) == 1
            ok = ok && ctiff_set_u32(t, UInt32(TIFFTAG_TILELENGTH), UInt32(tile.height)) == 1
        } else {
            ok = ok && ctiff_set_u32(t, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(rowsPerStrip(layout))) == 1
        }
        if let maxSampleValue = layout.maxSampleValue {
            ok = ok && set16(t, TIFFTAG_MAXSAMPLEVALUE, maxSampleValue)
        }
        ok = ok && ctiff_set_string(t, UInt32(TIFFTAG_SOFTWARE), "illuminati") == 1
        guard ok else { throw tif.failure("cannot set the TIFF tags") }
    }

    private static func writeStrips(_ tif: TIFFHandle, _ data: UnsafeRawBufferPointer,
                                    _ layout: TIFFWriteLayout) throws {
        let rowsPerStrip = rowsPerStrip(layout)
        // libtiff's encoders may scribble on the buffer they are given; hand them a copy.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: rowsPerStrip * layout.rowBytes, alignment: 16)
        defer { scratch.deallocate() }
        var strip = 0
        for firstRow in stride(from: 0, to: layout.height, by: rowsPerStrip) {
            let size = min(rowsPerStrip, layout.height - firstRow) * layout.rowBytes
            scratch.baseAddress!.copyMemory(from: data.baseAddress! + firstRow * layout.rowBytes, byteCount: size)
            guard TIFFWriteEncodedStrip(tif.pointer, UInt32(strip), scratch.baseAddress, tmsize_t(size)) == tmsize_t(size) else {
                throw tif.failure("cannot write strip \(strip)")
            }
            strip += 1
        }
    }

    private static func writeTiles(_ tif: TIFFHandle, _ data: UnsafeRawBufferPointer, _ layout: TIFFWriteLayout,
                                   tile: (width: Int, height: Int)) throws {
        guard layout.bitsPerSample % 8 == 0 else { throw ImageFailure("tiles need whole-byte samples") }
        let pixelBytes = layout.samplesPerPixel * layout.bitsPerSample / 8
        let tileRowBytes = tile.width * pixelBytes
        let tileBytes = tileRowBytes * tile.height
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: tileBytes, alignment: 16)
        defer { scratch.deallocate() }
        for y0 in stride(from: 0, to: layout.height, by: tile.height) {
            for x0 in stride(from: 0, to: layout.width, by: tile.width) {
                // Edge tiles are stored full size; the part outside the image is zero.
                scratch.initializeMemory(as: UInt8.self, repeating: 0)
                let rows = min(tile.height, layout.height - y0)
                let copyBytes = min(tile.width, layout.width - x0) * pixelBytes
                for r in 0..<rows {
                    (scratch.baseAddress! + r * tileRowBytes)
                        .copyMemory(from: data.baseAddress! + (y0 + r) * layout.rowBytes + x0 * pixelBytes,
                                    byteCount: copyBytes)
                }
                let index = TIFFComputeTile(tif.pointer, UInt32(x0), UInt32(y0), 0, 0)
                guard TIFFWriteEncodedTile(tif.pointer, index, scratch.baseAddress, tmsize_t(tileBytes)) == tmsize_t(tileBytes) else {
                    throw tif.failure("cannot write tile \(index)")
                }
            }
        }
    }

    private static func rowsPerStrip(_ layout: TIFFWriteLayout) -> Int {
        min(layout.height, max(1, targetStripBytes / max(1, layout.rowBytes)))
    }

    private static func codec(_ compression: TIFFCompression) -> Int32 {
        switch compression {
        case .none: COMPRESSION_NONE
        case .lzw: COMPRESSION_LZW
        case .deflate: COMPRESSION_ADOBE_DEFLATE
        }
    }

    private static func set16(_ t: OpaquePointer, _ tag: Int32, _ value: Int) -> Bool {
        ctiff_set_u16(t, UInt32(tag), UInt16(clamping: value)) == 1
    }
}
