import CTIFF
import CTIFFShim

/// Decodes the first image of a grayscale TIFF, stripped or tiled, with any compression
/// the system libtiff was built with.
enum TIFFReader {
    /// Reads the header and checks, without decoding, that the image is within the pixel
    /// budget and that its strips or tiles lie inside the file: a cut file is refused here,
    /// not by the job that first decodes it.
    static func probe(_ path: String) throws -> ImageFileInfo {
        let tif = try TIFFHandle.open(path, mode: "rm")  // "m": no mmap, a file truncated meanwhile must not SIGBUS
        let layout = try TIFFLayout(tif)
        try layout.requireGray()
        _ = try ImageLimits.pixelCount(layout.width, layout.height)
        try checkDataExtents(tif, layout)
        return ImageFileInfo(format: .tiff, width: layout.width, height: layout.height,
                             bitsPerSample: layout.bitsPerSample, bitDepth: layout.significantBits,
                             samplesPerPixel: layout.samplesPerPixel)
    }

    /// `check` sees the header before any pixel is decoded (or allocated).
    static func read(_ path: String, check: ((ImageFileInfo) throws -> Void)? = nil) throws -> GrayImage {
        // Mapped: libtiff then copies strips from the page cache in user space instead of the
        // kernel copying them by `read`. A file cut meanwhile ends the read (CTIFFShim).
        let tif = try TIFFHandle.open(path, mode: "r")
        let layout = try TIFFLayout(tif)
        try layout.requireGray()
        try check?(ImageFileInfo(format: .tiff, width: layout.width, height: layout.height,
                                 bitsPerSample: layout.bitsPerSample, bitDepth: layout.significantBits,
                                 samplesPerPixel: layout.samplesPerPixel))
        let count = try ImageLimits.pixelCount(layout.width, layout.height)
        let bytesPerSample = layout.bitsPerSample / 8
        guard TIFFScanlineSize64(tif.pointer) == UInt64(layout.width * bytesPerSample) else {
            throw tif.failure("unexpected scanline size for \(layout.width) samples of \(layout.bitsPerSample) bits")
        }
        // Decode the stored bytes first; 16-bit samples arrive in host order, 8-bit widen after.
        var pixels = [UInt16](repeating: 0, count: count)
        if bytesPerSample == 2 {
            try pixels.withUnsafeMutableBytes { (raw) in
                try decode(tif, layout, into: raw)
            }
        } else {
            var bytes = [UInt8](repeating: 0, count: count)
            try bytes.withUnsafeMutableBytes { (raw) in
                try decode(tif, layout, into: raw)
            }
            for i in 0..<count { pixels[i] = UInt16(bytes[i]) }
        }
        return GrayImage(width: layout.width, height: layout.height,
                         bitDepth: layout.significantBits, pixels: pixels)
    }

    private static func decode(_ tif: TIFFHandle, _ layout: TIFFLayout,
                               into out: UnsafeMutableRawBufferPointer) throws {
        if let tile = layout.tileSize {
            try decodeTiles(tif, layout, tile: tile, into: out)
        } else {
            try decodeStrips(tif, layout, into: out)
        }
    }

    private static func decodeStrips(_ tif: TIFFHandle, _ layout: TIFFLayout,
                                     into out: UnsafeMutableRawBufferPointer) throws {
        let rowBytes = layout.width * layout.bitsPerSample / 8
        let rowsPerStrip = layout.rowsPerStrip
        let needed = (layout.height + rowsPerStrip - 1) / rowsPerStrip
        let available = Int(TIFFNumberOfStrips(tif.pointer))
        guard available >= needed else {
            throw ImageFailure("file lists \(available) strips, \(needed) needed for \(layout.height) rows")
        }
        for strip in 0..<needed {
            let firstRow = strip * rowsPerStrip
            let rows = min(rowsPerStrip, layout.height - firstRow)
            let size = rows * rowBytes
            let offset = firstRow * rowBytes
            precondition(offset + size <= out.count)
            let got = tiffshim_read_encoded_strip(tif.pointer, UInt32(strip), out.baseAddress! + offset, tmsize_t(size))
            guard got != shrunk else { throw shrankWhileRead }
            guard got >= 0 else { throw tif.failure("cannot decode strip \(strip) (truncated or damaged data)") }
            guard got == tmsize_t(size) else {
                throw tif.failure("strip \(strip) is truncated: \(got) of \(size) bytes")
            }
        }
    }

    private static func decodeTiles(_ tif: TIFFHandle, _ layout: TIFFLayout, tile: (width: Int, height: Int),
                                    into out: UnsafeMutableRawBufferPointer) throws {
        let bytesPerSample = layout.bitsPerSample / 8
        let tileRowBytes = tile.width * bytesPerSample
        let tileBytes = tileRowBytes * tile.height
        guard TIFFTileSize64(tif.pointer) == UInt64(tileBytes) else {
            throw tif.failure("unexpected tile size for \(tile.width)×\(tile.height) tiles")
        }
        let tileCount = Int(TIFFNumberOfTiles(tif.pointer))
        let imageRowBytes = layout.width * bytesPerSample
        var buffer = [UInt8](repeating: 0, count: tileBytes)
        try buffer.withUnsafeMutableBytes { (scratch) in
            for y0 in stride(from: 0, to: layout.height, by: tile.height) {
                for x0 in stride(from: 0, to: layout.width, by: tile.width) {
                    let index = Int(TIFFComputeTile(tif.pointer, UInt32(x0), UInt32(y0), 0, 0))
                    guard index < tileCount else {
                        throw ImageFailure("tile \(index) at (\(y0), \(x0)) missing; file has \(tileCount)")
                    }
                    let got = tiffshim_read_encoded_tile(tif.pointer, UInt32(index), scratch.baseAddress, tmsize_t(tileBytes))
                    guard got != shrunk else { throw shrankWhileRead }
                    guard got >= 0 else { throw tif.failure("cannot decode tile \(index) (truncated or damaged data)") }
                    guard got == tmsize_t(tileBytes) else {
                        throw tif.failure("tile \(index) is truncated: \(got) of \(tileBytes) bytes")
                    }
                    // Edge tiles are stored full size; copy only the part inside the image.
                    let rows = min(tile.height, layout.height - y0)
                    let copyBytes = min(tile.width, layout.width - x0) * bytesPerSample
                    for r in 0..<rows {
                        let dst = (y0 + r) * imageRowBytes + x0 * bytesPerSample
                        precondition(dst + copyBytes <= out.count)
                        (out.baseAddress! + dst).copyMemory(from: scratch.baseAddress! + r * tileRowBytes,
                                                            byteCount: copyBytes)
                    }
                }
            }
        }
    }

    /// `TIFFSHIM_SHRUNK`, which Swift does not import (a macro with a cast).
    private static let shrunk: tmsize_t = -2

    private static let shrankWhileRead = ImageFailure("the file shrank while it was read (cut or rewritten by another process)")
}
