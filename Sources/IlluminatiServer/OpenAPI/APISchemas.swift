/// JSON Schemas of the JSON bodies (`components.schemas`), as the routes encode them: our own
/// documents in snake_case inside TissueMAPS' `{"data": …}`, standard ones (GeoJSON, IIIF,
/// TileJSON) in their own spelling. Objects may gain members; required ones are always there.
enum APISchemas {
    static func object(_ properties: [String: JSONValue], required: [String]? = nil) -> JSONValue {
        ["type": "object", "properties": .object(properties),
         "required": .array((required ?? properties.keys.sorted()).map { .string($0) })]
    }

    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
    static func data(_ value: JSONValue) -> JSONValue { object(["data": value]) }
    static func ref(_ name: String) -> JSONValue { APIResponses.reference(name) }

    static let count: JSONValue = ["type": "integer", "minimum": 0]
    static let integer: JSONValue = ["type": "integer"]
    static let string: JSONValue = ["type": "string"]
    static let size = object(["width": count, "height": count])
    static let point = object(["x": integer, "y": integer])

    /// Every schema: the tile server's and the queue's (QueueAPISchemas.swift).
    static let all: JSONValue = .object(tileServer.merging(queue) { $1 })

    static let tileServer: [String: JSONValue] = [
        "Error": object(["error": object(["status": ["type": "integer", "minimum": 400, "maximum": 599],
                                          "message": string,
                                          "request_id": ["type": "string", "pattern": "^[0-9a-f]{16}$"]],
                                         required: ["status", "message"])]),
        "Size": size,
        "Point": point,
        "ExperimentSummary": object([
            "id": integer, "name": string, "created_at": string, "plates": count, "wells": count, "sites": count,
            "channels": count, "images": count, "pyramid": ref("Size"), "pyramid_depth": count,
        ]),
        "ExperimentList": data(array(ref("ExperimentSummary"))),
        "Experiment": data(ref("ExperimentDetail")),
        "ExperimentDetail": object([
            "id": integer, "name": string, "created_at": string, "plate_format": count, "bit_depth": count,
            "site_size": ref("Size"),
            "pyramid": object(["width": count, "height": count, "depth": count, "tile_size": count]),
            "plates": array(ref("Plate")),
            "channels": array(object(["name": string, "bit_depth": count])),
            "cycles": array(count), "tpoints": array(count), "zplanes": array(count),
            "layers": array(ref("ChannelLayer")),
            "mapobject_types": ["type": "object", "description": "Map objects per type.", "additionalProperties": count],
            "pixel_size_um": ["type": "number", "exclusiveMinimum": 0, "description": "Micrometres per pixel; left out when unknown."],
        ], required: ["id", "name", "created_at", "plate_format", "bit_depth", "site_size", "pyramid", "plates", "channels",
                      "cycles", "tpoints", "zplanes", "layers", "mapobject_types"]),
        "Plate": object(["name": string, "offset": ref("Point"), "size": ref("Size"), "wells": array(ref("Well"))]),
        "Well": object(["name": string, "row": count, "column": count, "offset": ref("Point"), "size": ref("Size"),
                        "sites": array(object(["y": count, "x": count, "offset": ref("Point")]))]),
        "ChannelLayers": data(array(ref("ChannelLayer"))),
        "ChannelLayer": object([
            "id": integer, "name": string, "channel": string, "cycle": count, "tpoint": count, "zplane": count,
            "min_intensity": integer, "max_intensity": integer,
            "built": ["type": "boolean", "description": "Whether the layer's pyramid is there to be served."],
            "max_zoom": count, "image_size": ref("Size"), "tile_size": count,
            "window": object(["lower": integer, "upper": integer, "bit_depth": count, "rule": string]),
            "urls": object(["tiles": string, "dzi": string, "xyz": string, "tilejson": string, "iiif": string]),
        ], required: ["id", "name", "channel", "cycle", "tpoint", "zplane", "built", "max_zoom", "image_size", "tile_size", "urls"]),
        "FeatureCollection": object([
            "type": ["const": "FeatureCollection"],
            "features": array(ref("Feature")),
            "truncated": ["type": "boolean", "description": "More objects intersect the box than `limit`."],
        ]),
        "Feature": object([
            "type": ["const": "Feature"],
            "id": integer,
            "geometry": object(["type": ["enum": ["Polygon", "MultiPolygon"]], "coordinates": ["type": "array"]]),
            "properties": object([
                "type": string, "name": string, "plate": ["type": ["string", "null"]], "well": ["type": ["string", "null"]],
                "site_y": ["type": ["integer", "null"]], "site_x": ["type": ["integer", "null"]],
            ], required: ["type", "name"]),
        ]),
        "IIIFInfo": object([
            "@context": ["const": "http://iiif.io/api/image/3/context.json"],
            "id": ["type": "string", "description": "The image's base URI (scheme and host from the request)."],
            "type": ["const": "ImageService3"],
            "protocol": ["const": "http://iiif.io/api/image"],
            "profile": ["enum": ["level0", "level1", "level2"]],
            "width": ["type": "integer", "minimum": 1], "height": ["type": "integer", "minimum": 1],
            "tiles": array(object(["width": ["type": "integer", "minimum": 1], "height": ["type": "integer", "minimum": 1],
                                   "scaleFactors": ["type": "array", "minItems": 1, "items": ["type": "integer", "minimum": 1]]],
                                  required: ["width", "scaleFactors"])),
            "sizes": array(object(["width": ["type": "integer", "minimum": 1], "height": ["type": "integer", "minimum": 1]])),
        ], required: ["@context", "id", "type", "protocol", "profile", "width", "height"]),
        // No `bounds`: TileJSON's are WGS84 degrees, and this map is in pixels (`width`, `height`).
        "TileJSON": object([
            "tilejson": ["type": "string", "pattern": "^3\\.[0-9]+\\.[0-9]+$"],
            "name": string,
            "scheme": ["enum": ["xyz", "tms"]],
            "format": string,
            "tiles": ["type": "array", "minItems": 1, "items": string],
            "minzoom": ["type": "integer", "minimum": 0, "maximum": 30],
            "maxzoom": ["type": "integer", "minimum": 0, "maximum": 30],
            "tileSize": ["type": "integer", "minimum": 1],
            "width": ["type": "integer", "minimum": 1, "description": "The mosaic's pixels at the deepest zoom."],
            "height": ["type": "integer", "minimum": 1],
        ], required: ["tilejson", "tiles"]),
    ]
}
