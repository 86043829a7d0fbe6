/// Every path the server routes, with what its GET (or POST) takes and answers (`OpenAPIDocument`
/// adds HEAD to a GET, and the CORS preflight). `OpenAPIRouteTests` holds this table and the
/// router to each other: a route without a path here, or a path here without a route, fails it.
struct APIPath: Sendable {
    enum Method: String, Sendable {
        case get
        /// An action of the queue dashboard: needs the admin token (`adminToken` security scheme).
        case post
    }

    var path: String
    var method = Method.get
    /// The operations' ids are `get…`, `head…` and `preflight…` of this.
    var name: String
    var tag: String
    var summary: String
    /// One for each `{name}` in `path`; every operation of the path has them.
    var pathParameters: [JSONValue] = []
    /// Query and header parameters of GET and HEAD.
    var parameters: [JSONValue] = []
    var responses: [String: JSONValue]
}

extension APIPath {
    typealias P = APIParameters
    typealias R = APIResponses

    /// The routes that write absolute URLs (see `RequestOrigin`).
    static let noHost = R.badRequest("No valid host to build absolute URLs with (`Host`, `X-Forwarded-Host` or `Forwarded`), and no `--public-url`.")

    /// What a tile route answers besides the tile, for a layer looked up in the catalog.
    static func layerErrors(_ notFound: String) -> [String: JSONValue] {
        R.notFound("No such experiment, layer, or built pyramid" + notFound + ".").merging(R.databaseErrors) { $1 }
    }

    /// What a tile route answers: the tile, 304, a 400 for malformed coordinates, the layer's errors.
    static func tileResponses(badRequest: String, notFound: String) -> [String: JSONValue] {
        R.tile.merging(R.badRequest(badRequest)) { $1 }.merging(layerErrors(notFound)) { $1 }
    }

    static let all: [APIPath] = tileServer + queue

    static let tileServer: [APIPath] = [
        APIPath(path: "/", name: "Viewer", tag: "viewer", summary: "The web viewer (`?experiment=`, `group=`, `hide=`, `outlines=`).",
                parameters: [P.ifNoneMatch],
                responses: ["200": R.ok("The viewer's page.", R.content(["text/html"]), validated: true), "304": R.notModified]),
        APIPath(path: "/viewer/{path}", name: "ViewerFile", tag: "viewer",
                summary: "A static file of the viewer, embedded in the binary; the files under `openseadragon/` are one folder deeper.",
                pathParameters: [P.path("path", "The file's name below `/viewer/`.", schema: ["type": "string"],
                                        examples: ["script": "viewer.js"])],
                parameters: [P.ifNoneMatch],
                responses: ["200": R.ok("The file.", R.content(["text/javascript", "text/css", "image/png", "image/svg+xml",
                                                                  "application/json", "text/plain"]), validated: true),
                            "304": R.notModified].merging(R.notFound("No such viewer file.")) { $1 }),
        APIPath(path: "/metrics", name: "Metrics", tag: "operations", summary: "Prometheus metrics of the server (text format 0.0.4).",
                responses: ["200": R.ok("Metrics.", R.content(["text/plain"]))]),
        APIPath(path: "/openapi.json", name: "OpenAPIDocument", tag: "operations", summary: "This document.",
                parameters: [P.ifNoneMatch],
                responses: ["200": R.ok("The OpenAPI 3.1 document.", R.content(["application/json"], schema: ["type": "object"]),
                                        validated: true),
                            "304": R.notModified]),

        APIPath(path: "/api/experiments", name: "Experiments", tag: "experiments",
                summary: "Every experiment: id, name, counts and pyramid size.",
                responses: ["200": R.json("The experiments.", schema: "ExperimentList")].merging(R.databaseErrors) { $1 }),
        APIPath(path: "/api/experiments/{experiment}", name: "Experiment", tag: "experiments",
                summary: "One experiment: plates, wells and sites with their offsets, channels, layers, map-object counts.",
                pathParameters: [P.experiment],
                responses: ["200": R.json("The experiment.", schema: "Experiment")]
                    .merging(R.notFound("No such experiment.")) { $1 }.merging(R.databaseErrors) { $1 }),
        APIPath(path: "/api/experiments/{experiment}/channel_layers", name: "ChannelLayers", tag: "experiments",
                summary: "The experiment's channel layers.",
                pathParameters: [P.experiment],
                responses: ["200": R.json("The layers.", schema: "ChannelLayers")]
                    .merging(R.notFound("No such experiment.")) { $1 }.merging(R.databaseErrors) { $1 }),
        APIPath(path: "/api/experiments/{experiment}/mapobjects/{type}", name: "MapObjects", tag: "experiments",
                summary: "Outlines of one map-object type intersecting a box, as GeoJSON in map coordinates (SRID 0).",
                pathParameters: [P.experiment, P.mapObjectType],
                parameters: [P.boundingBox, P.mapObjectLimit],
                responses: ["200": R.ok("The outlines, the first by id.",
                                        R.content(["application/geo+json"], schema: R.reference("FeatureCollection")))]
                    .merging(R.badRequest("A malformed `bbox` or `limit`.")) { $1 }
                    .merging(R.notFound("No such experiment or map-object type.")) { $1 }
                    .merging(R.databaseErrors) { $1 }),

        APIPath(path: "/api/experiments/{experiment}/channel_layers/{layer}/tiles", name: "TissueMAPSTile", tag: "tiles",
                summary: "A tile in TissueMAPS' numbering (z 0 = coarsest); outside the pyramid, the black tile.",
                pathParameters: [P.experiment, P.layerIDOrName],
                parameters: [P.signedCoordinate("x", "Column."), P.signedCoordinate("y", "Row."),
                             P.signedCoordinate("z", "Zoom level, 0 = one tile."), P.ifNoneMatch],
                responses: tileResponses(badRequest: "`x`, `y` or `z` missing or not an integer of at most 9 digits.", notFound: "")),
        APIPath(path: "/dzi/{experiment}/{layer}.dzi", name: "DeepZoomDescriptor", tag: "tiles",
                summary: "The layer's DeepZoom descriptor.",
                pathParameters: [P.experiment, P.layer],
                parameters: [P.ifNoneMatch],
                responses: ["200": R.ok("The DeepZoom XML.", R.content(["application/xml"]), validated: true), "304": R.notModified]
                    .merging(layerErrors("")) { $1 }),
        APIPath(path: "/dzi/{experiment}/{layer}_files/{level}/{tile}.jpg", name: "DeepZoomTile", tag: "tiles",
                summary: "A DeepZoom tile (level 0 = one pixel).",
                pathParameters: [P.experiment, P.layer, P.level("level", "The DeepZoom level."), P.deepZoomTile],
                parameters: [P.ifNoneMatch],
                responses: tileResponses(badRequest: "`level` or `tile` is not made of non-negative integers.",
                                         notFound: ", or no such tile in the level")),
        APIPath(path: "/xyz/{experiment}/{layer}/tiles.json", name: "TileJSON", tag: "tiles",
                summary: "TileJSON 3.0.0 for the XYZ route.",
                pathParameters: [P.experiment, P.layer],
                responses: ["200": R.json("The TileJSON.", schema: "TileJSON")].merging(layerErrors("")) { $1 }
                    .merging(Self.noHost) { $1 }),
        APIPath(path: "/xyz/{experiment}/{layer}/{z}/{x}/{y}.jpg", name: "XYZTile", tag: "tiles",
                summary: "An XYZ tile (zoom 0 = one tile); edge tiles padded to the full tile size.",
                pathParameters: [P.experiment, P.layer, P.level("z", "Zoom."), P.level("x", "Column."), P.level("y", "Row.")],
                parameters: [P.ifNoneMatch],
                responses: tileResponses(badRequest: "`z`, `x` or `y` is not a non-negative integer.", notFound: ", or no such tile at the zoom")),
        APIPath(path: "/iiif/{experiment}/{layer}", name: "IIIFBase", tag: "tiles",
                summary: "The base URI of a layer's IIIF image service: 303 to its info.json (IIIF Image API 3.0 §2).",
                pathParameters: [P.experiment, P.layer],
                responses: ["303": R.seeOther("To `{base}/info.json`.")].merging(layerErrors("")) { $1 }.merging(Self.noHost) { $1 }),
        APIPath(path: "/iiif/{experiment}/{layer}/info.json", name: "IIIFInfo", tag: "tiles",
                summary: "IIIF Image API 3.0 image information (level 0).",
                pathParameters: [P.experiment, P.layer],
                responses: ["200": R.ok("The image information; JSON-LD, or plain JSON when `Accept` asks for it.",
                                        R.content(["application/ld+json", "application/json"], schema: R.reference("IIIFInfo")))]
                    .merging(layerErrors("")) { $1 }.merging(Self.noHost) { $1 }),
        APIPath(path: "/iiif/{experiment}/{layer}/{region}/{size}/{rotation}/{file}", name: "IIIFImage", tag: "tiles",
                summary: "An IIIF image request; level 0 serves the tiles and sizes info.json lists, rotation 0, quality default (or color or gray: the tiles are gray), format jpg.",
                pathParameters: [P.experiment, P.layer, P.iiifRegion, P.iiifSize, P.iiifRotation, P.iiifFile],
                parameters: [P.ifNoneMatch],
                responses: tileResponses(badRequest: "A malformed region, size, rotation, quality or format.",
                                         notFound: ", or the region and size are not a tile or size info.json lists")
                    .merging(["501": R.error("A valid rotation, quality or format that level 0 does not serve.")]) { $1 }),
    ]
}
