import Foundation
import Hummingbird
import IlluminatiCore
import IlluminatiDatabase

/// Experiment metadata and map objects: `/api/experiments`, `/api/experiments/{id}`,
/// `/api/experiments/{id}/mapobjects/{type}?bbox=minX,minY,maxX,maxY&limit=N`.
struct ExperimentRoutes: Sendable {
    let catalog: Catalog
    let database: DatabasePool
    /// Most map objects in one answer: a whole-map request of 200 000 objects took 2.7 s and
    /// 51.8 MB, and the viewer asks for the visible part of the map anyway.
    let mapObjectLimit: Int

    func add(to router: Router<BasicRequestContext>) {
        router.get("/api/experiments") { request, _ in
            let list = try await catalog.list().map { summary in
                ExperimentListItem(id: summary.id, name: summary.name, createdAt: summary.createdAt,
                                   plates: summary.plates, wells: summary.wells, sites: summary.sites,
                                   channels: summary.channels, images: summary.images,
                                   pyramid: Size(width: summary.pyramidSize.width, height: summary.pyramidSize.height),
                                   pyramidDepth: summary.pyramidDepth)
            }
            return Responses.json(DataEnvelope(data: list), request: request)
        }
        router.get("/api/experiments/:experiment") { request, context in
            let experiment = try await found(context)
            let id = experiment.id
            let counts = try await database.with { try MapObjectStore($0).counts(experimentID: id) }
            return Responses.json(DataEnvelope(data: ExperimentDocument(experiment, mapObjectCounts: counts)),
                                  request: request)
        }
        router.get("/api/experiments/:experiment/channel_layers") { request, context in
            let experiment = try await found(context)
            return Responses.json(DataEnvelope(data: ExperimentDocument(experiment, mapObjectCounts: [:]).layers),
                                  request: request)
        }
        router.get("/api/experiments/:experiment/mapobjects/:type") { request, context in
            let experiment = try await found(context)
            let typeText = context.parameters.get("type") ?? ""
            guard let type = PathParameter.name(typeText[...]) else {
                throw RouteError.notFound("no map object type \(typeText.prefix(64))")
            }
            let id = experiment.id
            let counts = try await database.with { try MapObjectStore($0).counts(experimentID: id) }
            guard counts[type] != nil else {
                throw RouteError.notFound("experiment \(experiment.name) has no map object type \(type)")
            }
            let box: (minX: Double, minY: Double, maxX: Double, maxY: Double)
            if let bboxText = request.uri.queryParameters["bbox"].map(String.init) {
                guard let parsed = PathParameter.boundingBox(bboxText) else {
                    throw RouteError.badRequest("bbox must be minX,minY,maxX,maxY in map coordinates (y = -row)")
                }
                box = parsed
            } else {
                let size = experiment.stored.pyramidSize
                box = (0, -Double(size.height), Double(size.width), 0)
            }
            let limit = try limit(request)
            let geoJSON = try await database.with {
                try MapObjectStore($0).geoJSON(experimentID: id, type: type, minX: box.minX, minY: box.minY,
                                               maxX: box.maxX, maxY: box.maxY, limit: limit)
            }
            return Responses.jsonBytes(Array(geoJSON.utf8), request: request, contentType: "application/geo+json")
        }
    }

    private func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return mapObjectLimit }
        guard let limit = PathParameter.number(text), (1...mapObjectLimit).contains(limit) else {
            throw RouteError.badRequest("limit must be a number of map objects from 1 to \(mapObjectLimit)")
        }
        return limit
    }

    private func found(_ context: BasicRequestContext) async throws -> ServedExperiment {
        let text = context.parameters.get("experiment") ?? ""
        guard let experiment = try await catalog.experiment(text[...]) else {
            throw RouteError.notFound("no experiment \(text.prefix(64))")
        }
        return experiment
    }
}

/// TissueMAPS wraps every API answer in `{"data": …}`.
struct DataEnvelope<T: Encodable>: Encodable { var data: T }

struct Size: Encodable { var width: Int; var height: Int }
struct Point: Encodable { var x: Int; var y: Int }

struct ExperimentListItem: Encodable {
    var id: Int64
    var name: String
    var createdAt: String
    var plates: Int
    var wells: Int
    var sites: Int
    var channels: Int
    var images: Int
    var pyramid: Size
    var pyramidDepth: Int
}

/// One experiment: its plate layout (for the viewer's well/site lookup), channels and layers.
struct ExperimentDocument: Encodable {
    struct Site: Encodable { var y: Int; var x: Int; var offset: Point }
    struct Well: Encodable { var name: String; var row: Int; var column: Int; var offset: Point; var size: Size; var sites: [Site] }
    struct Plate: Encodable { var name: String; var offset: Point; var size: Size; var wells: [Well] }
    struct Channel: Encodable { var name: String; var bitDepth: Int }
    struct Window: Encodable { var lower: Int; var upper: Int; var bitDepth: Int; var rule: String }
    struct Layer: Encodable {
        var id: Int64
        var name: String
        var channel: String
        var cycle: Int
        var tpoint: Int
        var zplane: Int
        var minIntensity: Int?
        var maxIntensity: Int?
        var built: Bool
        /// TissueMAPS `max_zoom` = depth − 1.
        var maxZoom: Int
        var imageSize: Size
        var tileSize: Int
        var window: Window?
        var urls: [String: String]
    }
    struct Pyramid: Encodable { var width: Int; var height: Int; var depth: Int; var tileSize: Int }

    var id: Int64
    var name: String
    var createdAt: String
    var plateFormat: Int
    var bitDepth: Int
    var siteSize: Size
    var pyramid: Pyramid
    var plates: [Plate]
    var channels: [Channel]
    var cycles: [Int]
    var tpoints: [Int]
    var zplanes: [Int]
    var layers: [Layer]
    var mapobjectTypes: [String: Int]
    /// Micrometres per pixel; nil (omitted) when unknown.
    var pixelSizeUm: Double?

    init(_ served: ServedExperiment, mapObjectCounts: [String: Int]) {
        let experiment = served.stored.experiment
        id = served.id
        name = served.name
        createdAt = served.stored.createdAt
        plateFormat = experiment.plateFormat.rawValue
        bitDepth = experiment.bitDepth
        siteSize = Size(width: experiment.siteSize.width, height: experiment.siteSize.height)
        pyramid = Pyramid(width: served.stored.pyramidSize.width, height: served.stored.pyramidSize.height,
                          depth: served.stored.pyramidDepth, tileSize: experiment.layout.tileSize)
        plates = (served.layout?.plates ?? []).map { plate in
            Plate(name: plate.name, offset: Point(x: plate.offset.x, y: plate.offset.y),
                  size: Size(width: plate.size.width, height: plate.size.height),
                  wells: plate.wells.map { well in
                      Well(name: well.name, row: well.row, column: well.column, offset: Point(x: well.offset.x, y: well.offset.y),
                           size: Size(width: well.size.width, height: well.size.height),
                           sites: well.sites.map { Site(y: $0.y, x: $0.x, offset: Point(x: $0.offset.x, y: $0.offset.y)) })
                  })
        }
        channels = experiment.channels.map { Channel(name: $0.name, bitDepth: $0.bitDepth) }
        cycles = experiment.cycles
        tpoints = Set(experiment.images.map(\.tpoint)).sorted()
        zplanes = Set(experiment.images.map(\.zplane)).sorted()
        let experimentID = served.id
        layers = served.layers.map { layer in
            let geometry = layer.descriptor?.geometry
            let window = layer.descriptor.map {
                Window(lower: $0.window.lower, upper: $0.window.upper, bitDepth: $0.window.bitDepth, rule: $0.window.rule)
            }
            return Layer(
                id: layer.id, name: layer.name, channel: layer.channelName, cycle: layer.key.cycle, tpoint: layer.key.tpoint,
                zplane: layer.key.zplane, minIntensity: layer.minIntensity, maxIntensity: layer.maxIntensity,
                built: layer.descriptor != nil, maxZoom: served.stored.pyramidDepth - 1,
                imageSize: Size(width: geometry?.width ?? served.stored.pyramidSize.width,
                                height: geometry?.height ?? served.stored.pyramidSize.height),
                tileSize: geometry?.tileSize ?? experiment.layout.tileSize, window: window,
                urls: [
                    "tiles": "/api/experiments/\(experimentID)/channel_layers/\(layer.id)/tiles?x={x}&y={y}&z={z}",
                    "dzi": "/dzi/\(experimentID)/\(layer.name).dzi",
                    "xyz": "/xyz/\(experimentID)/\(layer.name)/{z}/{x}/{y}.jpg",
                    "tilejson": "/xyz/\(experimentID)/\(layer.name)/tiles.json",
                    "iiif": "/iiif/\(experimentID)/\(layer.name)/info.json",
                ])
        }
        mapobjectTypes = mapObjectCounts
        pixelSizeUm = served.stored.pixelSizeMicrometres
    }
}
