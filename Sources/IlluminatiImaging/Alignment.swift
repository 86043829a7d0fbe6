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
        // A shift or residue beyond the site leaves nothing; clamping it to the site's size
        // keeps that answer and keeps the sums below from overflowing, whatever the values.
        let shiftY = min(max(shift.y, -height), height), shiftX = min(max(shift.x, -width), width)
        let rowStart = max(min(residues.top, height), shiftY, 0)
        let rowEnd = min(height - min(max(residues.bottom, 0), height), height + shiftY, height)
        let columnStart = max(min(residues.left, width), shiftX, 0)
        let columnEnd = min(width - min(max(residues.right, 0), width), width + shiftX, width)
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
