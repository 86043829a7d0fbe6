import IlluminatiCore

/// The DeepZoom pyramid over a TissueMAPS mosaic: the same tiles, numbered the DeepZoom way.
///
/// DeepZoom level ℓ has size ⌈W / 2^(maxLevel − ℓ)⌉ × ⌈H / 2^(maxLevel − ℓ)⌉ with
/// maxLevel = ⌈log2 max(W, H)⌉, so level 0 is 1×1 and maxLevel is the base. TissueMAPS halves
/// with nested ceilings too (§2.1), which compose to the same sizes, so its level z is DeepZoom
/// level z + `zOffset`, and its tile (z, x, y) is DeepZoom tile (z + zOffset, column x, row y):
/// both count tiles of `tileSize` from the top left without overlap. The DeepZoom levels below
/// `zOffset` (coarser than TissueMAPS' top) are derived from its top tile.
public struct PyramidLayout: Hashable, Sendable, Codable {
    public let baseSize: PixelSize
    public let tileSize: Int
    /// TissueMAPS' `pyramid_depth` (levels z = 0 … depth − 1, base last).
    public let tissueMAPSDepth: Int
    /// DeepZoom level of the base.
    public let maxLevel: Int

    /// - Throws: `PyramidError.unsupportedGeometry` for zoom factors other than 2 (DeepZoom
    ///   halves) and odd tile sizes (children of a tile must halve exactly).
    public init(geometry: PyramidGeometry) throws {
        guard geometry.zoomFactor == 2 else {
            throw PyramidError.unsupportedGeometry("DeepZoom output needs zoom factor 2, the experiment has \(geometry.zoomFactor)")
        }
        guard geometry.tileSize >= 2, geometry.tileSize % 2 == 0 else {
            throw PyramidError.unsupportedGeometry("tile size \(geometry.tileSize) must be even")
        }
        baseSize = geometry.baseSize
        tileSize = geometry.tileSize
        tissueMAPSDepth = geometry.depth
        var level = 0
        while (1 << level) < max(baseSize.height, baseSize.width) { level += 1 }
        maxLevel = level
    }

    /// The layout of a mosaic of `baseSize` with TissueMAPS' zoom factor 2.
    public init(baseSize: PixelSize, tileSize: Int = 256) throws {
        try self.init(geometry: PyramidGeometry(baseSize: baseSize, tileSize: tileSize, zoomFactor: 2))
    }

    /// DeepZoom level = TissueMAPS z + zOffset.
    public var zOffset: Int { maxLevel - (tissueMAPSDepth - 1) }

    /// Number of DeepZoom levels, 0 … maxLevel.
    public var levelCount: Int { maxLevel + 1 }

    public func size(level: Int) -> PixelSize {
        let shift = maxLevel - level
        precondition(level >= 0 && shift >= 0, "level \(level) outside 0…\(maxLevel)")
        return PixelSize(height: Self.shrink(baseSize.height, by: shift), width: Self.shrink(baseSize.width, by: shift))
    }

    public func tiles(level: Int) -> GridDimensions {
        let size = size(level: level)
        return GridDimensions(rows: (size.height + tileSize - 1) / tileSize, columns: (size.width + tileSize - 1) / tileSize)
    }

    /// The pixels of a tile at its level: edge tiles are cut at the level's border, not padded.
    public func pixelRect(of tile: TileAddress) -> PixelRect {
        let size = size(level: tile.level)
        let y = tile.row * tileSize, x = tile.column * tileSize
        return PixelRect(y: y, x: x, height: max(0, min(tileSize, size.height - y)), width: max(0, min(tileSize, size.width - x)))
    }

    /// The pixels of a block of tiles at its level.
    public func pixelRect(of block: TileBlock) -> PixelRect {
        let size = size(level: block.level)
        let y = block.rows.lowerBound * tileSize, x = block.columns.lowerBound * tileSize
        return PixelRect(y: y, x: x, height: max(0, min(block.rows.count * tileSize, size.height - y)),
                         width: max(0, min(block.columns.count * tileSize, size.width - x)))
    }

    /// The DeepZoom tile TissueMAPS serves as (z, x, y), or nil outside its pyramid.
    public func deepZoomTile(z: Int, x: Int, y: Int) -> TileAddress? {
        guard z >= 0, z < tissueMAPSDepth else { return nil }
        // Only a 1×1 mosaic has zOffset + z < 0: TissueMAPS' extra level is 1×1 as well.
        let level = max(0, z + zOffset)
        let grid = tiles(level: level)
        guard y >= 0, y < grid.rows, x >= 0, x < grid.columns else { return nil }
        return TileAddress(level: level, row: y, column: x)
    }

    /// The TissueMAPS zoom level of a DeepZoom level, or nil for levels coarser than its top.
    public func tissueMAPSZ(level: Int) -> Int? {
        let z = level - zOffset
        return z >= 0 && z < tissueMAPSDepth ? z : nil
    }

    /// ⌈n / 2^k⌉.
    static func shrink(_ n: Int, by k: Int) -> Int {
        k >= Int.bitWidth - 2 ? (n > 0 ? 1 : 0) : (n + (1 << k) - 1) >> k
    }
}

/// A rectangle of pixels at some level: top-left corner and size.
public struct PixelRect: Hashable, Sendable, Codable, CustomStringConvertible {
    public var y: Int
    public var x: Int
    public var height: Int
    public var width: Int

    public init(y: Int, x: Int, height: Int, width: Int) {
        self.y = y
        self.x = x
        self.height = height
        self.width = width
    }

    public var isEmpty: Bool { height <= 0 || width <= 0 }

    public func intersects(_ other: PixelRect) -> Bool {
        !isEmpty && !other.isEmpty && y < other.y + other.height && other.y < y + height
            && x < other.x + other.width && other.x < x + width
    }

    public var description: String { "[\(y)..<\(y + height), \(x)..<\(x + width)]" }
}

/// A rectangle of tiles at one level.
public struct TileBlock: Hashable, Sendable, Codable, CustomStringConvertible {
    public var level: Int
    public var rows: Range<Int>
    public var columns: Range<Int>

    public init(level: Int, rows: Range<Int>, columns: Range<Int>) {
        self.level = level
        self.rows = rows
        self.columns = columns
    }

    public var tileCount: Int { rows.count * columns.count }

    /// The same area `levels` levels coarser: tile indices halved, rounding the end up.
    public func coarser(by levels: Int) -> TileBlock {
        TileBlock(level: level - levels, rows: (rows.lowerBound >> levels) ..< PyramidLayout.shrink(rows.upperBound, by: levels),
                  columns: (columns.lowerBound >> levels) ..< PyramidLayout.shrink(columns.upperBound, by: levels))
    }

    public var tiles: [TileAddress] {
        rows.flatMap { r in columns.map { c in TileAddress(level: level, row: r, column: c) } }
    }

    public var description: String {
        "level \(level) rows \(rows.lowerBound)..<\(rows.upperBound) columns \(columns.lowerBound)..<\(columns.upperBound)"
    }
}
