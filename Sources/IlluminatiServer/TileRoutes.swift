import Foundation
import Hummingbird
import IlluminatiCore
import IlluminatiImaging
import IlluminatiMetrics
import IlluminatiPyramid
import IlluminatiStorage
import Metrics

/// Tile routes: TissueMAPS (`/api/experiments/{id}/channel_layers/{layer}/tiles?x=&y=&z=`),
/// DeepZoom (`/dzi/...`), XYZ (`/xyz/...`) and IIIF Image API 3.0 level 0 (`/iiif/...`). All of
/// them read the same DeepZoom files; only the numbering differs.
struct TileRoutes: Sendable {
    let catalog: Catalog
    let origin: RequestOrigin
    let served = MetricCatalog.tilesServed.counter()
    let blank = MetricCatalog.blankTilesServed.counter()

    func add(to router: Router<BasicRequestContext>) {
        router.get("/api/experiments/:experiment/channel_layers/:layer/tiles") { request, context in
            try await tissueMAPSTile(request, context)
        }
        router.get("/dzi/:experiment/{layer}.dzi") { request, context in
            try await deepZoomDescriptor(request, context)
        }
        router.get("/dzi/:experiment/{layer}_files/:level/{tile}.jpg") { request, context in
            try await deepZoomTile(request, context)
        }
        router.get("/xyz/:experiment/:layer/tiles.json") { request, context in
            try await tileJSON(request, context)
        }
        router.get("/xyz/:experiment/:layer/:z/:x/{y}.jpg") { request, context in
            try await xyzTile(request, context)
        }
        router.get("/iiif/:experiment/:layer/info.json") { request, context in
            try await iiifInfo(request, context)
        }
        router.get("/iiif/:experiment/:layer/:region/:size/:rotation/{quality}.jpg") { request, context in
            try await iiifTile(request, context)
        }
    }

    // MARK: TissueMAPS

    private func tissueMAPSTile(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (_, layer, _) = try await builtLayer(context)
        let query = request.uri.queryParameters
        func coordinate(_ name: String) throws -> Int {
            guard let text = query[name[...]] else { throw RouteError.badRequest("missing query parameter \(name)") }
            guard let value = Self.signedNumber(text) else {
                throw RouteError.badRequest("query parameter \(name) must be an integer, not \(text.prefix(32))")
            }
            return value
        }
        let x = try coordinate("x"), y = try coordinate("y"), z = try coordinate("z")
        guard let address = try layer.pyramidLayout().deepZoomTile(z: z, x: x, y: y),
              let file = try await TileFile.fetch({ try layer.tiles.tile(address) }) else {
            return try await blankTile(layer, request)
        }
        served.increment()
        return Responses.tile(file, request: request)
    }

    /// An integer of at most 9 digits with an optional minus sign: TissueMAPS answered
    /// negative and too large coordinates with the black tile, so they parse; garbage does not.
    static func signedNumber(_ text: Substring) -> Int? {
        if text.first == "-" { return PathParameter.number(text.dropFirst()).map { -$0 } }
        return PathParameter.number(text)
    }

    // MARK: DeepZoom

    private func deepZoomDescriptor(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (_, layer, _) = try await builtLayer(context)
        guard let file = try await TileFile.fetch({ try layer.tiles.document(.deepZoom) }) else {
            throw RouteError.notFound("layer \(layer.name) has no DeepZoom descriptor")
        }
        return Responses.bytes(file.bytes, contentType: "application/xml; charset=utf-8", etag: file.etag, request: request,
                               cacheControl: "no-cache")
    }

    private func deepZoomTile(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (_, layer, descriptor) = try await builtLayer(context)
        let parts = (context.parameters.get("tile") ?? "").split(separator: "_", omittingEmptySubsequences: false)
        guard let level = PathParameter.number(context.parameters.get("level")?[...]), parts.count == 2,
              let column = PathParameter.number(parts[0]), let row = PathParameter.number(parts[1]) else {
            throw RouteError.badRequest("DeepZoom tiles are {level}/{column}_{row}.jpg with non-negative integers")
        }
        let geometry = descriptor.geometry
        guard level <= geometry.maxLevel, let grid = geometry.levels.first(where: { $0.level == level }),
              column < grid.columns, row < grid.rows else {
            throw RouteError.notFound("no tile \(level)/\(column)_\(row) in layer \(layer.name)")
        }
        let address = TileAddress(level: level, row: row, column: column)
        guard let file = try await TileFile.fetch({ try layer.tiles.tile(address) }) else {
            return try await blankTile(layer, request)
        }
        served.increment()
        return Responses.tile(file, request: request)
    }

    // MARK: XYZ

    /// XYZ zoom z shows the mosaic at DeepZoom level `maxLevel − (maxZoom − z)`; zoom 0 is one tile.
    static func xyzMaxZoom(_ geometry: LayerDescriptor.Geometry) -> Int {
        var zoom = 0
        while geometry.tileSize << zoom < max(geometry.width, geometry.height) { zoom += 1 }
        return min(zoom, geometry.maxLevel)
    }

    private func xyzTile(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (_, layer, descriptor) = try await builtLayer(context)
        guard let z = PathParameter.number(context.parameters.get("z")?[...]),
              let x = PathParameter.number(context.parameters.get("x")?[...]),
              let y = PathParameter.number(context.parameters.get("y")?[...]) else {
            throw RouteError.badRequest("XYZ tiles are {z}/{x}/{y}.jpg with non-negative integers")
        }
        let geometry = descriptor.geometry
        let maxZoom = Self.xyzMaxZoom(geometry)
        guard z <= maxZoom, x < 1 << z, y < 1 << z else {
            throw RouteError.notFound("no XYZ tile \(z)/\(x)/\(y): zoom levels are 0…\(maxZoom) with 2^z tiles per side")
        }
        let level = geometry.maxLevel - (maxZoom - z)
        guard let grid = geometry.levels.first(where: { $0.level == level }), x < grid.columns, y < grid.rows,
              let file = try await TileFile.fetch({ try layer.tiles.tile(TileAddress(level: level, row: y, column: x)) })
        else {
            return try await blankTile(layer, request)
        }
        served.increment()
        let rect = try layer.pyramidLayout().pixelRect(of: TileAddress(level: level, row: y, column: x))
        guard rect.width < geometry.tileSize || rect.height < geometry.tileSize else {
            return Responses.tile(file, request: request)
        }
        return Responses.tile(try Self.padded(file, to: geometry.tileSize, quality: descriptor.quality), request: request)
    }

    /// An edge tile on a full tile-size canvas, black beyond the mosaic (decoded and re-encoded).
    static func padded(_ file: TileFile, to size: Int, quality: Int) throws -> TileFile {
        let image = try JPEGDecoder.decodeGray(file.bytes)
        var canvas = [UInt8](repeating: 0, count: size * size)
        for row in 0..<min(image.height, size) {
            let width = min(image.width, size)
            canvas.withUnsafeMutableBufferPointer { target in
                image.pixels.withUnsafeBufferPointer { source in
                    (target.baseAddress! + row * size).update(from: source.baseAddress! + row * image.width, count: width)
                }
            }
        }
        let bytes = try JPEGEncoder(quality: quality).encode(canvas, width: size, height: size)
        return TileFile(bytes: bytes, etag: String(file.etag.dropLast()) + "-padded\"")
    }

    private func tileJSON(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (experiment, layer, descriptor) = try await builtLayer(context)
        struct TileJSON: Encodable {
            var tilejson = "3.0.0"
            var name: String
            var scheme = "xyz"
            var format = "jpg"
            var tiles: [String]
            var minzoom = 0
            var maxzoom: Int
            var tileSize: Int
            /// Not TileJSON's: the mosaic's size in pixels at the deepest zoom. TileJSON's
            /// `bounds` are WGS 84 degrees, which a microscope image has none of; without
            /// them a client assumes the whole XYZ grid and gets black beyond the mosaic.
            var width: Int
            var height: Int
        }
        let geometry = descriptor.geometry
        let base = try origin.base(of: request) + "/xyz/\(experiment.id)/\(layer.name)"
        let body = TileJSON(name: "\(experiment.name)/\(layer.name)", tiles: [base + "/{z}/{x}/{y}.jpg"],
                            maxzoom: Self.xyzMaxZoom(geometry), tileSize: geometry.tileSize,
                            width: geometry.width, height: geometry.height)
        return Responses.json(body, request: request, keys: .useDefaultKeys)
    }

    // MARK: IIIF Image API 3.0, level 0

    private func iiifInfo(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (experiment, layer, descriptor) = try await builtLayer(context)
        let geometry = descriptor.geometry
        struct Tiles: Encodable { var width: Int; var height: Int; var scaleFactors: [Int] }
        struct Size: Encodable { var width: Int; var height: Int }
        struct Info: Encodable {
            var context = "http://iiif.io/api/image/3/context.json"
            var id: String
            var type = "ImageService3"
            var `protocol` = "http://iiif.io/api/image"
            var profile = "level0"
            var width: Int
            var height: Int
            var tiles: [Tiles]
            var sizes: [Size]
            enum CodingKeys: String, CodingKey {
                case context = "@context", id, type, `protocol`, profile, width, height, tiles, sizes
            }
        }
        let scaleFactors = (0...geometry.maxLevel).map { 1 << $0 }
        let sizes = geometry.levels.filter { $0.width <= geometry.tileSize && $0.height <= geometry.tileSize }
            .map { Size(width: $0.width, height: $0.height) }
        let info = Info(id: try origin.base(of: request) + "/iiif/\(experiment.id)/\(layer.name)", width: geometry.width,
                        height: geometry.height,
                        tiles: [Tiles(width: geometry.tileSize, height: geometry.tileSize, scaleFactors: scaleFactors)],
                        sizes: sizes)
        return Responses.json(info, request: request, keys: .useDefaultKeys,
                              contentType: "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"")
    }

    private func iiifTile(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (_, layer, descriptor) = try await builtLayer(context)
        guard context.parameters.get("rotation") == "0", context.parameters.get("quality") == "default",
              let region = context.parameters.get("region"), let size = context.parameters.get("size") else {
            throw RouteError.badRequest("level 0 serves rotation 0 and quality default only")
        }
        guard let address = IIIFTile.address(region: region, size: size, geometry: descriptor.geometry) else {
            throw RouteError.notFound("\(region.prefix(64))/\(size.prefix(32)) is not one of the tiles info.json lists")
        }
        guard let file = try await TileFile.fetch({ try layer.tiles.tile(address) }) else {
            return try await blankTile(layer, request)
        }
        served.increment()
        return Responses.tile(file, request: request)
    }

    // MARK: Shared

    private func builtLayer(_ context: BasicRequestContext) async throws -> (ServedExperiment, ServedLayer, LayerDescriptor) {
        let experimentText = context.parameters.get("experiment") ?? ""
        guard let experiment = try await catalog.experiment(experimentText[...]) else {
            throw RouteError.notFound("no experiment \(experimentText.prefix(64))")
        }
        let layerText = context.parameters.get("layer") ?? ""
        guard let layer = experiment.layer(layerText[...]) else {
            throw RouteError.notFound("experiment \(experiment.name) has no layer \(layerText.prefix(64))")
        }
        guard let descriptor = layer.descriptor else {
            throw RouteError.notFound("layer \(layer.name) of experiment \(experiment.name) has no pyramid yet")
        }
        return (experiment, layer, descriptor)
    }

    private func blankTile(_ layer: ServedLayer, _ request: Request) async throws -> Response {
        guard let file = try await TileFile.fetch({ try layer.tiles.document(.blankTile) }) else {
            throw RouteError(status: .internalServerError, message: "layer \(layer.name) has no blank tile")
        }
        blank.increment()
        return Responses.tile(file, request: request)
    }
}
