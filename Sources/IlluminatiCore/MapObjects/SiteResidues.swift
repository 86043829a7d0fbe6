/// The margins of a site that are not covered by every cycle once the cycles are shifted onto
/// each other (TissueMAPS §3.3). The valid, aligned region is the same for all cycles.
public struct SiteResidues: Hashable, Sendable, Codable {
    public var top: Int
    public var bottom: Int
    public var left: Int
    public var right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }

    public static let none = SiteResidues(top: 0, bottom: 0, left: 0, right: 0)

    /// From the shifts of one site over all its cycles: the largest positive shift along an
    /// axis is cut at the start, the most negative at the end.
    public init(shifts: [PixelOffset]) {
        top = max(0, shifts.map(\.y).max() ?? 0)
        bottom = max(0, -(shifts.map(\.y).min() ?? 0))
        left = max(0, shifts.map(\.x).max() ?? 0)
        right = max(0, -(shifts.map(\.x).min() ?? 0))
    }

    /// The aligned region of a site placed at `offset` with size `size` (TissueMAPS'
    /// `aligned_offset` and `aligned_image_size`).
    public func alignedRegion(offset: PixelOffset, size: PixelSize) -> (offset: PixelOffset, size: PixelSize) {
        (PixelOffset(y: offset.y + top, x: offset.x + left),
         PixelSize(height: size.height - top - bottom, width: size.width - left - right))
    }
}
