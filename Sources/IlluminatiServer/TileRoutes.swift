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
    let blanks = BlankTiles()

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
        router.get("/iiif/:experiment/:layer") { request, context in
            try await iiifBase(request, context)
        }
        router.get("/iiif/:experiment/:layer/info.json") { request, context in
            try await iiifInfo(request, context)
        }
        router.get("/iiif/:experiment/:layer/:region/:size/:rotation/:file") { request, context in
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
        return try await storedOrBlank(TileAddress(level: level, row: row, column: column), layer, descriptor, request)
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

    /// The base URI of the layer's image service, `http://{host}/iiif/{id}/{layer}`: `info.json`'s `id`.
    private func iiifID(_ request: Request, _ experiment: ServedExperiment, _ layer: ServedLayer) throws -> String {
        try origin.base(of: request) + "/iiif/\(experiment.id)/\(layer.name)"
    }

    /// §2: the base URI redirects to the image information.
    private func iiifBase(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (experiment, layer, _) = try await builtLayer(context)
        return Response(status: .seeOther, headers: [.location: try iiifID(request, experiment, layer) + "/info.json", .contentLength: "0"])
    }

    private func iiifInfo(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (experiment, layer, descriptor) = try await builtLayer(context)
        let info = IIIFInfo(id: try iiifID(request, experiment, layer), geometry: descriptor.geometry)
        var response = Responses.json(info, request: request, keys: .useDefaultKeys,
                                      contentType: IIIFInfo.mediaType(accept: request.headers[.accept]))
        response.headers[.vary] = "Accept, Accept-Encoding"
        return response
    }

    private func iiifTile(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        func segment(_ name: String) -> String { context.parameters.get(name) ?? "" }
        let image = try IIIFImageRequest.parse(region: segment("region"), size: segment("size"), rotation: segment("rotation"),
                                               file: segment("file"))
        let (_, layer, descriptor) = try await builtLayer(context)
        return try await storedOrBlank(try IIIFTile.address(image, geometry: descriptor.geometry), layer, descriptor, request)
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

    /// The stored tile, or, when it was never written, a black tile of its size: the shared
    /// one inside the level, one of `blanks` at its right and bottom edges.
    private func storedOrBlank(_ address: TileAddress, _ layer: ServedLayer, _ descriptor: LayerDescriptor,
                               _ request: Request) async throws -> Response {
        if let file = try await TileFile.fetch({ try layer.tiles.tile(address) }) {
            served.increment()
            return Responses.tile(file, request: request)
        }
        let rect = try layer.pyramidLayout().pixelRect(of: address)
        let tileSize = descriptor.geometry.tileSize
        guard rect.width < tileSize || rect.height < tileSize else { return try await blankTile(layer, request) }
        let file = try blanks.tile(PixelSize(height: rect.height, width: rect.width), quality: descriptor.quality)
        blank.increment()
        return Responses.tile(file, request: request)
    }

    private func blankTile(_ layer: ServedLayer, _ request: Request) async throws -> Response {
        guard let file = try await TileFile.fetch({ try layer.tiles.document(.blankTile) }) else {
            throw RouteError(status: .internalServerError, message: "layer \(layer.name) has no blank tile")
        }
        blank.increment()
        return Responses.tile(file, request: request)
    }
}
