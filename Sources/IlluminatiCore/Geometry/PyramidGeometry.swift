/// One level of an image pyramid: the size of its full image and how many tiles cover it.
public struct PyramidLevel: Hashable, Sendable, Codable {
    public var size: PixelSize
    public var tiles: GridDimensions

    public init(size: PixelSize, tiles: GridDimensions) {
        self.size = size
        self.tiles = tiles
    }
}

/// The levels of a zoomable pyramid over a base image, exactly as TissueMAPS'
/// `ChannelLayer` computes them (§2.1).
///
/// Starting from the base size, each level divides height and width by the zoom factor,
/// rounding up, until a level fits in one tile; the division happens at least once, so even
/// a base that fits in one tile gives depth 2 (TissueMAPS' server behaviour, §7 bug 11, kept
/// so tile addresses match). Index 0 is the most zoomed-out level, the last is the base.
/// Each level is covered by ⌈height / tileSize⌉ × ⌈width / tileSize⌉ tiles.
public struct PyramidGeometry: Hashable, Sendable, Codable {
    public let tileSize: Int
    public let zoomFactor: Int
    /// Top (index 0, most zoomed out) to base (last).
    public let levels: [PyramidLevel]

    /// Number of levels; TissueMAPS' `pyramid_depth`, clients see `max_zoom = depth − 1`.
    public var depth: Int { levels.count }

    /// The full-resolution mosaic size, TissueMAPS' (`pyramid_height`, `pyramid_width`).
    public var baseSize: PixelSize { levels[levels.count - 1].size }

    /// - Precondition: base height and width ≥ 1, `tileSize` ≥ 1, `zoomFactor` ≥ 2
    ///   (`PlateLayout` checks these and throws instead).
    public init(baseSize: PixelSize, tileSize: Int = 256, zoomFactor: Int = 2) {
        precondition(baseSize.height >= 1 && baseSize.width >= 1, "pyramid base \(baseSize) is empty")
        precondition(tileSize >= 1, "tile size \(tileSize) must be positive")
        precondition(zoomFactor >= 2, "zoom factor \(zoomFactor) must be at least 2")
        var sizes = [baseSize]
        var size = baseSize
        repeat {
            size = PixelSize(height: IntegerDivision.ceil(size.height, zoomFactor),
                             width: IntegerDivision.ceil(size.width, zoomFactor))
            sizes.append(size)
        } while size.height > tileSize || size.width > tileSize
        self.tileSize = tileSize
        self.zoomFactor = zoomFactor
        self.levels = sizes.reversed().map { size in
            PyramidLevel(size: size, tiles: GridDimensions(rows: IntegerDivision.ceil(size.height, tileSize),
                                                           columns: IntegerDivision.ceil(size.width, tileSize)))
        }
    }
}
