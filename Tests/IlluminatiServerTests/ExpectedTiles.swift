import IlluminatiCore
import IlluminatiPyramid
import IlluminatiTestSupport

extension ServerFixture {
    /// The pixels of a tile at its level: edge tiles are cut at the level's border.
    func tileRect(_ layer: String, level: Int, column: Int, row: Int) throws -> PixelRect {
        let descriptor = try descriptor(layer)
        guard let layout = descriptor.pyramidLayout else { throw TestSupportError("layer \(layer): inconsistent descriptor") }
        return layout.pixelRect(of: TileAddress(level: level, row: row, column: column))
    }

    /// What the DeepZoom and IIIF routes answer for a tile inside the grid: the stored bytes,
    /// or for a tile never written `blankTile(_:level:column:row:)`.
    func expectedTile(_ layer: String, level: Int, column: Int, row: Int) throws -> [UInt8] {
        try storedTile(layer, level: level, column: column, row: row) ?? blankTile(layer, level: level, column: column, row: row)
    }

    /// The black tile the DeepZoom and IIIF routes answer for a tile never written: the
    /// layer's shared one, or at the right and bottom edges one of the edge's size.
    func blankTile(_ layer: String, level: Int, column: Int, row: Int) throws -> [UInt8] {
        let rect = try tileRect(layer, level: level, column: column, row: row)
        let descriptor = try descriptor(layer)
        guard rect.width < descriptor.geometry.tileSize || rect.height < descriptor.geometry.tileSize else {
            return try blankTile(layer)
        }
        return try DeepZoomFiles.blankTile(PixelSize(height: rect.height, width: rect.width), quality: descriptor.quality)
    }
}
