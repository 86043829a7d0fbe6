import IlluminatiCore
import IlluminatiPyramid

/// IIIF Image API 3.0 level 0: the only regions and sizes served are the tiles `info.json`
/// advertises, `{x},{y},{w},{h}/{sw},{sh}` (or `{sw},`) with scale factor s = 2^k, and `full`
/// at the first level that fits in one tile.
enum IIIFTile {
    static func address(region: String, size: String, geometry: LayerDescriptor.Geometry) -> TileAddress? {
        let tile = geometry.tileSize
        if region == "full" {
            guard let level = geometry.levels.last(where: { $0.columns == 1 && $0.rows == 1 }) else { return nil }
            guard size == "max" || size == "\(level.width),\(level.height)" || size == "\(level.width),"
                    || (level.level == geometry.maxLevel && size == "max") else { return nil }
            return TileAddress(level: level.level, row: 0, column: 0)
        }
        let numbers = region.split(separator: ",", omittingEmptySubsequences: false).map { PathParameter.number($0) }
        guard numbers.count == 4, let x = numbers[0], let y = numbers[1], let w = numbers[2], let h = numbers[3],
              w > 0, h > 0, x < geometry.width, y < geometry.height else { return nil }
        // Edge tiles are smaller than the span, so try every scale factor 2^k until one fits exactly.
        for k in 0...geometry.maxLevel {
            let span = tile << k
            guard x % span == 0, y % span == 0, w == min(span, geometry.width - x), h == min(span, geometry.height - y),
                  let grid = geometry.levels.first(where: { $0.level == geometry.maxLevel - k }) else { continue }
            let column = x / span, row = y / span
            guard column < grid.columns, row < grid.rows else { continue }
            let width = min(tile, grid.width - column * tile), height = min(tile, grid.height - row * tile)
            guard size == "\(width),\(height)" || size == "\(width)," || (k == 0 && size == "max") else { continue }
            return TileAddress(level: grid.level, row: row, column: column)
        }
        return nil
    }
}
