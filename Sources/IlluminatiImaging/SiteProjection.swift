import IlluminatiCore

/// Puts one site image into a region of the base level, in one pass over its pixels:
/// illumination correction (§3.2) → alignment shift and residue crop (§3.3) → intensity
/// window to fixed point (§3.4–3.5). Only the aligned, valid part of the site is written, so
/// the canvas keeps whatever lies under the residue border (black, or an overlapping neighbour).
public enum SiteProjection {
    /// - Parameters:
    ///   - offset: the site's top-left corner in base-level pixels.
    ///   - shift, residues: alignment of this image (zero and `.none` when not aligned).
    ///   - correction: nil, or statistics of the image's size.
    ///   - table: `IntensityWindow.fixedPointTable()` (65 536 entries).
    ///   - canvas: `canvasWidth`×`canvasHeight` fixed-point samples whose first pixel lies at
    ///     `canvasOrigin` in base-level pixels.
    public static func paste(_ image: GrayImage, at offset: PixelOffset, shift: PixelOffset, residues: SiteResidues,
                             correction: IlluminationCorrection?, table: UnsafeBufferPointer<UInt16>,
                             into canvas: UnsafeMutablePointer<UInt16>, canvasOrigin: PixelOffset,
                             canvasWidth: Int, canvasHeight: Int) throws {
        precondition(table.count == 65536, "the window table needs 65536 entries")
        if let correction, !correction.isIdentity, correction.width != image.width || correction.height != image.height {
            throw IlluminationStatisticsError(
                "image is \(image.height)×\(image.width) but the illumination statistics are for \(correction.height)×\(correction.width) images")
        }
        let valid = Alignment.validRegion(height: image.height, width: image.width, shift: shift, residues: residues)
        // Site rows/columns that land inside the canvas. The bounds are compared before a
        // range is formed: a shift or residue larger than the site, or a canvas beside it,
        // leaves nothing to paste, and must not trap the worker.
        let top = max(valid.rows.lowerBound, canvasOrigin.y - offset.y)
        let bottom = min(valid.rows.upperBound, canvasOrigin.y - offset.y + canvasHeight)
        let left = max(valid.columns.lowerBound, canvasOrigin.x - offset.x)
        let right = min(valid.columns.upperBound, canvasOrigin.x - offset.x + canvasWidth)
        guard top < bottom, left < right else { return }
        let rows = top..<bottom
        let columns = left..<right
        let width = image.width
        let count = columns.count
        let window = table.baseAddress!
        image.pixels.withUnsafeBufferPointer { pixels in
            let source = pixels.baseAddress!
            if let correction, !correction.isIdentity {
                let top = Float(image.maxValue)
                correction.withMaps { maps in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { scratch in
                        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: count) { corrected in
                            for r in rows {
                                let sourceStart = (r - shift.y) * width + (columns.lowerBound - shift.x)
                                let target = canvas + (offset.y + r - canvasOrigin.y) * canvasWidth + (offset.x + columns.lowerBound - canvasOrigin.x)
                                maps.correct(source + sourceStart, count: count, first: sourceStart, top: top,
                                             into: corrected.baseAddress!, scratch: scratch.baseAddress!)
                                for k in 0..<count { target[k] = window[Int(corrected[k])] }
                            }
                        }
                    }
                }
            } else {
                for r in rows {
                    let from = source + (r - shift.y) * width + (columns.lowerBound - shift.x)
                    let target = canvas + (offset.y + r - canvasOrigin.y) * canvasWidth + (offset.x + columns.lowerBound - canvasOrigin.x)
                    for k in 0..<count { target[k] = window[Int(from[k])] }
                }
            }
        }
    }
}
