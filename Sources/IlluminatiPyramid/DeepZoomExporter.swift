import IlluminatiCore
import IlluminatiStorage

/// What an export wrote.
public struct ExportSummary: Sendable {
    public var path = ""
    public var layers = 0
    /// Tiles a build wrote, and black tiles the export made for the others.
    public var tiles = 0
    public var blankTiles = 0
    public var bytes = 0
}

/// Writes finished layers as a static DeepZoom export (`DeepZoomExport`): every tile of every
/// level, as DeepZoom readers expect. A tile the build left unwritten because it is black
/// becomes a black tile of its own size: edge tiles of the last column and row are as wide
/// and high as the level's edge (`PyramidLayout.pixelRect`), and readers place and scale a
/// tile by its pixel size, so the layer's shared 256² blank tile, which the server answers
/// for them, would not do there.
public struct DeepZoomExporter {
    /// Tiles done of all tiles, every few hundred tiles and at the end.
    public var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?

    public init(progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) {
        self.progress = progress
    }

    /// `protecting`: folders the path must not be or hold, such as the storage it reads.
    public func export(_ layers: [FinishedLayer], format: ExportFormat, to path: String, replacing: Bool,
                       protecting: [String] = []) throws -> ExportSummary {
        try format.check(layers: layers.map(\.name))
        let export = try DeepZoomExport(format: format, path: path, replacing: replacing, protecting: protecting)
        do {
            var summary = ExportSummary(path: export.path, layers: layers.count)
            let total = layers.map(\.tileCount).reduce(0, +)
            var done = 0
            for layer in layers {
                try export.beginLayer(layer.name, deepZoom: layer.deepZoom, size: layer.layout.baseSize)
                var blanks: [PixelSize: [UInt8]] = [:]
                for level in 0...layer.layout.maxLevel {
                    let grid = layer.layout.tiles(level: level)
                    for row in 0..<grid.rows {
                        for column in 0..<grid.columns {
                            let tile = TileAddress(level: level, row: row, column: column)
                            let bytes: [UInt8]
                            if let stored = try layer.tiles.tile(tile) {
                                bytes = stored.bytes
                                summary.tiles += 1
                            } else {
                                let rect = layer.layout.pixelRect(of: tile)
                                let size = PixelSize(height: rect.height, width: rect.width)
                                bytes = try blanks[size] ?? DeepZoomFiles.blankTile(size, quality: layer.descriptor.quality)
                                blanks[size] = bytes
                                summary.blankTiles += 1
                            }
                            try bytes.withUnsafeBytes { try export.writeTile(tile, jpeg: $0) }
                            summary.bytes += bytes.count
                            done += 1
                            if done % 256 == 0 { progress?(done, total) }
                        }
                    }
                }
            }
            try export.commit()
            progress?(total, total)
            return summary
        } catch {
            export.abandon()
            throw error
        }
    }
}
