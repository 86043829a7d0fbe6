import CTIFF
import Foundation

/// Where a TIFF's strips or tiles lie, compared with the file's size: a file cut after its
/// directory still has a readable header, and only this tells, without decoding, that its
/// pixels are gone.
enum TIFFDataExtents {
    /// One strip or tile as the directory lists it; `needed` is its decoded size when the
    /// data is uncompressed (and must be stored in full), else nil.
    struct Piece: Equatable {
        var offset: UInt64
        var byteCount: UInt64
        var needed: UInt64?
    }

    /// Why the pieces cannot all be read from a file of `fileSize` bytes, or nil.
    /// `kind` is "strip" or "tile".
    static func problem(_ pieces: [Piece], fileSize: UInt64, kind: String) -> String? {
        for (index, piece) in pieces.enumerated() {
            guard piece.byteCount > 0 else { return "\(kind) \(index) has no data (byte count 0)" }
            let (end, overflow) = piece.offset.addingReportingOverflow(piece.byteCount)
            guard !overflow, end <= fileSize else {
                return "truncated or damaged TIFF: \(kind) \(index) lies at bytes \(piece.offset)…\(piece.offset &+ piece.byteCount &- 1) "
                    + "but the file has \(fileSize) bytes"
            }
            if let needed = piece.needed, piece.byteCount < needed {
                return "truncated or damaged TIFF: uncompressed \(kind) \(index) holds \(piece.byteCount) bytes, \(needed) needed"
            }
        }
        return nil
    }
}

extension TIFFReader {
    /// `TIFFDataExtents.problem` for the strips or tiles that `read` would decode.
    static func checkDataExtents(_ tif: TIFFHandle, _ layout: TIFFLayout) throws {
        var info = stat()
        guard fstat(TIFFFileno(tif.pointer), &info) == 0 else { throw ImageFailure("cannot stat: \(errnoText())") }
        let uncompressed = layout.compression == Int(COMPRESSION_NONE)
        let pieces: [TIFFDataExtents.Piece]
        let kind: String
        if let tile = layout.tileSize {
            kind = "tile"
            let available = Int(TIFFNumberOfTiles(tif.pointer))
            let needed = ((layout.width + tile.width - 1) / tile.width) * ((layout.height + tile.height - 1) / tile.height)
            guard available >= needed else {
                throw ImageFailure("file lists \(available) tiles, \(needed) needed for \(layout.height)×\(layout.width) pixels")
            }
            let tileBytes = TIFFTileSize64(tif.pointer)
            pieces = (0..<needed).map { piece(tif, $0, needed: uncompressed ? tileBytes : nil) }
        } else {
            kind = "strip"
            let available = Int(TIFFNumberOfStrips(tif.pointer))
            let rowsPerStrip = layout.rowsPerStrip
            let needed = (layout.height + rowsPerStrip - 1) / rowsPerStrip
            guard available >= needed else {
                throw ImageFailure("file lists \(available) strips, \(needed) needed for \(layout.height) rows")
            }
            pieces = (0..<needed).map { index in
                let rows = min(rowsPerStrip, layout.height - index * rowsPerStrip)
                return piece(tif, index, needed: uncompressed ? TIFFVStripSize64(tif.pointer, UInt32(rows)) : nil)
            }
        }
        if let problem = TIFFDataExtents.problem(pieces, fileSize: UInt64(info.st_size), kind: kind) {
            throw ImageFailure(problem)
        }
    }

    private static func piece(_ tif: TIFFHandle, _ index: Int, needed: UInt64?) -> TIFFDataExtents.Piece {
        TIFFDataExtents.Piece(offset: TIFFGetStrileOffset(tif.pointer, UInt32(index)),
                              byteCount: TIFFGetStrileByteCount(tif.pointer, UInt32(index)), needed: needed)
    }
}
