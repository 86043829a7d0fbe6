/// The base-level tiles an image covers along one axis, and where each starts relative to
/// the image's first pixel.
public struct TileSpan: Hashable, Sendable, Codable {
    /// First tile index.
    public var first: Int
    /// One past the last tile index.
    public var end: Int
    /// `offsets[k]` is the start of tile `first + k` minus the image position; the first is
    /// ≤ 0 (the part of the tile before the image), the rest step by the tile size.
    public var offsets: [Int]

    public init(first: Int, end: Int, offsets: [Int]) {
        self.first = first
        self.end = end
        self.offsets = offsets
    }

    /// The tile indices, `first ..< end`.
    public var indices: Range<Int> { first..<max(first, end) }
}

/// Which base tiles an image at `position` with `length` pixels touches on one axis, as
/// TissueMAPS' `ChannelLayer` computes them (§2.2): tiles ⌊p / T⌋ ..< ⌈(p + L − d) / T⌉ with
/// offsets ⌊p / T⌋ · T − p + k · T.
///
/// The displacement enters with TissueMAPS' sign (§7 bug 6: the site offsets add +d but
/// the tile range subtracts it). With the default 0 the range is exactly the tiles the
/// image's pixels touch.
public func baseTileSpan(position: Int, length: Int, displacement: Int = 0, tileSize: Int = 256) -> TileSpan {
    precondition(tileSize >= 1, "tile size \(tileSize) must be positive")
    let first = IntegerDivision.floor(position, tileSize)
    let end = IntegerDivision.ceil(position + length - displacement, tileSize)
    let start = first * tileSize - position
    let offsets = (0..<max(0, end - first)).map { start + $0 * tileSize }
    return TileSpan(first: first, end: end, offsets: offsets)
}
