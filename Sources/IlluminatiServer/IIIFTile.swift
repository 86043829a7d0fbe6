import IlluminatiCore
import IlluminatiPyramid

/// What the IIIF Image API 3.0 level 0 service of a layer serves: its DeepZoom tiles, nothing
/// computed. `info.json` lists them as `tiles` (tile size, scale factors 2^k: region
/// `{x},{y},{w},{h}` of 256·2^k pixels at most, size the tile's own) and `sizes` (the levels
/// whose whole image is one tile, region `full`), and declares `maxWidth` = `maxHeight` = the
/// tile size, so `max` means the largest tile of a region that there is.
///
/// Errors (docs/server.md): a request the spec's syntax or its rules reject is a 400
/// (`IIIFImageRequest` for the syntax; here a region outside the image, a size larger than
/// the region without `^` or larger than a tile); a valid request for what level 0 does not do
/// (`square` or `pct:` regions, `^`, `!w,h` or `pct:` sizes, rotation, mirroring, `bitonal`,
/// formats other than `jpg`) is a 501; a valid region and size of the forms served that are
/// not one of the tiles or sizes is a 404.
enum IIIFTile {
    /// The levels that are one tile, smallest first: `info.json`'s `sizes`.
    static func sizes(_ geometry: LayerDescriptor.Geometry) -> [LayerDescriptor.Level] {
        geometry.levels.filter { $0.columns == 1 && $0.rows == 1 }.sorted { $0.level < $1.level }
    }

    /// The widest and tallest image served (`maxWidth`, `maxHeight`): one tile.
    static func sizeLimit(_ geometry: LayerDescriptor.Geometry) -> Int { geometry.tileSize }

    /// The tile that answers `request`.
    static func address(_ request: IIIFImageRequest, geometry: LayerDescriptor.Geometry) throws(RouteError) -> TileAddress {
        let region = try pixels(of: request.region, geometry)
        try checkSize(request.size, of: region, limit: sizeLimit(geometry))
        try checkSupported(request)
        let shown = tiles(showing: region, geometry)
        let chosen: Candidate?
        switch request.size.form {
        case .max:
            chosen = shown.first
        case .exact(let width, let height):
            chosen = shown.first { $0.width == width && $0.height == height }
        case .width(let width):
            let height = Double(width) * Double(region.height) / Double(region.width)
            chosen = shown.filter { $0.width == width }.min { abs(Double($0.height) - height) < abs(Double($1.height) - height) }
        case .height(let height):
            let width = Double(height) * Double(region.width) / Double(region.height)
            chosen = shown.filter { $0.height == height }.min { abs(Double($0.width) - width) < abs(Double($1.width) - width) }
        case .confined, .percent:
            chosen = nil // refused by checkSupported
        }
        guard let chosen else {
            throw .notFound("region and size are not one of the tiles or sizes info.json lists (level 0 serves those only)")
        }
        return chosen.address
    }

    /// The region in pixels of the full image, cut at its edges (§4.1).
    static func pixels(of region: IIIFImageRequest.Region, _ geometry: LayerDescriptor.Geometry) throws(RouteError) -> PixelRect {
        let width = geometry.width, height = geometry.height
        let x: Int, y: Int, w: Int, h: Int
        switch region {
        case .full:
            return PixelRect(y: 0, x: 0, height: height, width: width)
        case .square:
            let side = min(width, height)
            return PixelRect(y: (height - side) / 2, x: (width - side) / 2, height: side, width: side)
        case .pixels(let px, let py, let pw, let ph):
            (x, y, w, h) = (px, py, pw, ph)
        case .percent(let px, let py, let pw, let ph):
            func scaled(_ percent: Double, _ full: Int) -> Int { Int(min(percent, 1000) * Double(full) / 100) }
            (x, y, w, h) = (scaled(px, width), scaled(py, height), scaled(pw, width), scaled(ph, height))
        }
        guard x < width, y < height else { throw .badRequest("the region lies outside the image (\(width)×\(height))") }
        guard w > 0, h > 0 else { throw .badRequest("the region is less than one pixel") }
        return PixelRect(y: y, x: x, height: min(h, height - y), width: min(w, width - x))
    }

    /// §4.2: no scaling up without `^`, nothing under one pixel, nothing over the limits.
    static func checkSize(_ size: IIIFImageRequest.Size, of region: PixelRect, limit: Int) throws(RouteError) {
        let scaled: (width: Int, height: Int)?
        func rounded(_ value: Double) -> Int { max(1, Int(value.rounded())) }
        switch size.form {
        case .max, .confined:
            scaled = nil // never larger than the region or the limits
        case .width(let w):
            scaled = (w, rounded(Double(w) * Double(region.height) / Double(region.width)))
        case .height(let h):
            scaled = (rounded(Double(h) * Double(region.width) / Double(region.height)), h)
        case .exact(let w, let h):
            scaled = (w, h)
        case .percent(let n):
            let w = Int((Double(region.width) * n / 100).rounded()), h = Int((Double(region.height) * n / 100).rounded())
            guard w >= 1, h >= 1 else { throw .badRequest("the size is less than one pixel") }
            scaled = (w, h)
        }
        guard let scaled else { return }
        guard size.upscaling || (scaled.width <= region.width && scaled.height <= region.height) else {
            throw .badRequest("size \(scaled.width)×\(scaled.height) is larger than the region (\(region.width)×\(region.height)); upscaling needs ^")
        }
        guard scaled.width <= limit, scaled.height <= limit else {
            throw .badRequest("size \(scaled.width)×\(scaled.height) is larger than maxWidth and maxHeight (\(limit))")
        }
    }

    /// The features of a valid request that level 0 does not implement: 501.
    static func checkSupported(_ request: IIIFImageRequest) throws(RouteError) {
        func notImplemented(_ message: String) -> RouteError { RouteError(status: .notImplemented, message: message) }
        switch request.region {
        case .square, .percent: throw notImplemented("level 0 serves the regions full and x,y,w,h of its tiles only")
        case .full, .pixels: break
        }
        if request.size.upscaling { throw notImplemented("upscaling (^) is not supported") }
        switch request.size.form {
        case .confined, .percent: throw notImplemented("level 0 serves the sizes max, w,h, w, and ,h of its tiles only")
        case .max, .width, .height, .exact: break
        }
        guard !request.rotation.mirrored, request.rotation.degrees == 0 || request.rotation.degrees == 360 else {
            throw notImplemented("rotation and mirroring are not supported; the rotation is 0")
        }
        // The tiles are gray: `gray` is what they are, and §4.4 has `color` answered with
        // them rather than with an error.
        guard request.quality != .bitonal else { throw notImplemented("quality bitonal is not supported") }
        guard request.format == .jpg else { throw notImplemented("format \(request.format.rawValue) is not supported; the tiles are jpg") }
    }

    struct Candidate: Equatable {
        var address: TileAddress
        /// The tile's pixels at its level.
        var width: Int
        var height: Int
    }

    /// The tiles whose region of the full image is exactly `region`, largest first (scale
    /// factor 2^k ascending). An edge tile's region is cut at the image's edge, so it is tried
    /// at every scale factor.
    static func tiles(showing region: PixelRect, _ geometry: LayerDescriptor.Geometry) -> [Candidate] {
        let tile = geometry.tileSize
        var found: [Candidate] = []
        for k in 0...geometry.maxLevel {
            let span = tile << k
            guard region.x % span == 0, region.y % span == 0, region.width == min(span, geometry.width - region.x),
                  region.height == min(span, geometry.height - region.y),
                  let grid = geometry.levels.first(where: { $0.level == geometry.maxLevel - k }) else { continue }
            let column = region.x / span, row = region.y / span
            guard column < grid.columns, row < grid.rows else { continue }
            found.append(Candidate(address: TileAddress(level: grid.level, row: row, column: column),
                                   width: min(tile, grid.width - column * tile), height: min(tile, grid.height - row * tile)))
        }
        return found
    }
}
