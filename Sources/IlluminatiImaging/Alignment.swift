import IlluminatiCore

/// Cycle alignment as TissueMAPS' illuminati applies it (`align(crop=False)`, §3.3). A site's
/// residues come from the shifts of all its cycles (`SiteResidues(shifts:)`).
public enum Alignment {
    /// Output rows and columns that carry pixels: [top, height − bottom) × [left, width − right),
    /// further limited to where the shifted source exists (so residues that do not cover the
    /// shift never read outside the image).
    public static func validRegion(height: Int, width: Int, shift: PixelOffset, residues: SiteResidues)
        -> (rows: Range<Int>, columns: Range<Int>)
    {
        let rowStart = max(residues.top, shift.y, 0)
        let rowEnd = min(height - residues.bottom, height + shift.y, height)
        let columnStart = max(residues.left, shift.x, 0)
        let columnEnd = min(width - residues.right, width + shift.x, width)
        return (rowStart..<max(rowStart, rowEnd), columnStart..<max(columnStart, columnEnd))
    }

    /// `out(r, c) = in(r − shift.y, c − shift.x)` inside the valid region, 0 elsewhere; same size.
    public static func apply(_ image: GrayImage, shift: PixelOffset, residues: SiteResidues) -> GrayImage {
        var out = GrayImage(width: image.width, height: image.height, bitDepth: image.bitDepth)
        let region = validRegion(height: image.height, width: image.width, shift: shift, residues: residues)
        guard !region.rows.isEmpty, !region.columns.isEmpty else { return out }
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for r in region.rows {
                    let sourceRow = (r - shift.y) * image.width - shift.x
                    for c in region.columns { dst[r * image.width + c] = src[sourceRow + c] }
                }
            }
        }
        return out
    }
}
