import Foundation
import IlluminatiCore
import IlluminatiImaging
import IlluminatiStorage

/// `NAME.json` next to a layer's DeepZoom pyramid: what the pixels mean and how TissueMAPS
/// tile addresses find them. A TissueMAPS tile (z, x, y) is the DeepZoom tile
/// `{z + tissueMAPS.zOffset}/{x}_{y}.jpg`: with `tileStorage` "shards" an entry of one of the
/// stored ZIPs in the folder `tiles`, with "dzi" a file below `tiles`; a tile that is in
/// none is black (`blankTile`).
public struct LayerDescriptor: Hashable, Sendable, Codable {
    public struct Level: Hashable, Sendable, Codable {
        public var level: Int
        public var width: Int
        public var height: Int
        public var columns: Int
        public var rows: Int
        /// The TissueMAPS zoom level with the same tiles, if any.
        public var tissueMAPSZ: Int?
    }

    public struct Geometry: Hashable, Sendable, Codable {
        public var width: Int
        public var height: Int
        public var tileSize: Int
        public var overlap: Int
        /// DeepZoom level of the base; level 0 is 1×1.
        public var maxLevel: Int
        public var levels: [Level]
    }

    public struct TissueMAPS: Hashable, Sendable, Codable {
        /// TissueMAPS `pyramid_depth`; clients see `max_zoom = depth − 1`.
        public var depth: Int
        /// DeepZoom level = TissueMAPS z + zOffset (tile column = x, row = y).
        public var zOffset: Int
    }

    public struct Window: Hashable, Sendable, Codable {
        /// Raw intensities shown as 0 and 255 (TissueMAPS `min_intensity`, `max_intensity`).
        public var lower: Int
        public var upper: Int
        public var bitDepth: Int
        /// How the window was chosen: "none", "percentile" or "value".
        public var rule: String
        public var percentile: Double?
        /// The mapping from raw samples to tile bytes.
        public var mapping: String
    }

    public struct Correction: Hashable, Sendable, Codable {
        /// Statistics file (relative to the storage root when inside it).
        public var statistics: String
        /// Images the statistics were computed from.
        public var images: Int
        public var smoothingSigma: Double

        public init(statistics: String, images: Int, smoothingSigma: Double) {
            self.statistics = statistics
            self.images = images
            self.smoothingSigma = smoothingSigma
        }
    }

    public var format = "illuminati-layer"
    public var version = 1
    public var name: String
    public var channel: String
    public var cycle: Int
    public var tpoint: Int
    public var zplane: Int
    public var dzi: String
    public var tiles: String
    /// How the tiles are kept: "shards" or "dzi" (`PyramidFormat`).
    public var tileStorage: String
    public var blankTile: String
    public var tileFormat = "jpg"
    public var quality: Int
    public var geometry: Geometry
    public var tissueMAPS: TissueMAPS
    public var window: Window
    /// Nil when the layer is not corrected.
    public var illuminationCorrection: Correction?
    public var alignment: Bool
    /// How coarser levels are computed.
    public var downsampling: String

    public init(name: String, channel: String, cycle: Int, tpoint: Int, zplane: Int, layout: PyramidLayout,
                format: PyramidFormat, quality: Int, window: IntensityWindow, bitDepth: Int, clip: ClipRule,
                illuminationCorrection: Correction?, alignment: Bool) {
        self.name = name
        self.channel = channel
        self.cycle = cycle
        self.tpoint = tpoint
        self.zplane = zplane
        let files = LayerLayout(name)
        dzi = files.deepZoom
        tiles = files.tilesFolder(format)
        tileStorage = format.rawValue
        blankTile = files.blankTile(format)
        self.quality = quality
        geometry = Geometry(
            width: layout.baseSize.width, height: layout.baseSize.height, tileSize: layout.tileSize, overlap: 0,
            maxLevel: layout.maxLevel,
            levels: (0...layout.maxLevel).map { level in
                let size = layout.size(level: level), grid = layout.tiles(level: level)
                return Level(level: level, width: size.width, height: size.height, columns: grid.columns, rows: grid.rows,
                             tissueMAPSZ: layout.tissueMAPSZ(level: level))
            })
        tissueMAPS = TissueMAPS(depth: layout.tissueMAPSDepth, zOffset: layout.zOffset)
        let rule: String, percentile: Double?
        switch clip {
        case .none: (rule, percentile) = ("none", nil)
        case .percentile(let p): (rule, percentile) = ("percentile", p)
        case .value: (rule, percentile) = ("value", nil)
        }
        self.window = Window(lower: window.lower, upper: window.upper, bitDepth: bitDepth, rule: rule, percentile: percentile,
                             mapping: "byte = clamp(floor((v - lower) * 255 / (upper - lower) + 1/2), 0, 255) at the base level")
        self.illuminationCorrection = illuminationCorrection
        self.alignment = alignment
        downsampling = "2x2 mean of 16-bit fixed point (8 fractional bits), round half up; odd edges average the pixels that exist; rounded to 8 bits only when a tile is encoded"
    }

    /// The tile grid the descriptor describes; nil unless its levels are the ones its base size
    /// and tile size give (a descriptor that contradicts itself).
    public var pyramidLayout: PyramidLayout? {
        guard let layout = try? PyramidLayout(baseSize: PixelSize(height: geometry.height, width: geometry.width),
                                              tileSize: geometry.tileSize),
              layout.maxLevel == geometry.maxLevel, layout.tissueMAPSDepth == tissueMAPS.depth else { return nil }
        return layout
    }

    /// Pretty, key-sorted JSON: the same descriptor always gives the same bytes.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(self)) + [0x0A]
    }
}

/// The per-layer files besides the tiles.
public enum DeepZoomFiles {
    /// The `.dzi` XML: tile size, no overlap, JPEG, base size.
    public static func dzi(_ layout: PyramidLayout) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Image xmlns="http://schemas.microsoft.com/deepzoom/2008" Format="jpg" Overlap="0" TileSize="\(layout.tileSize)">
          <Size Width="\(layout.baseSize.width)" Height="\(layout.baseSize.height)"/>
        </Image>

        """
    }

    /// `NAME.dzi`, the shared black tile and `NAME.json`, as a layer's finish publishes them.
    public static func documents(_ descriptor: LayerDescriptor, layout: PyramidLayout) throws -> LayerDocuments {
        LayerDocuments(
            deepZoom: Array(dzi(layout).utf8),
            blankTile: try blankTile(PixelSize(height: layout.tileSize, width: layout.tileSize), quality: descriptor.quality),
            descriptor: try descriptor.encoded())
    }

    /// A black tile of `size` pixels, encoded as the layer's tiles are.
    public static func blankTile(_ size: PixelSize, quality: Int) throws -> [UInt8] {
        let black = [UInt8](repeating: 0, count: size.height * size.width)
        return try JPEGEncoder(quality: quality).encode(black, width: size.width, height: size.height)
    }
}
