/// The OpenAPI parameters of the routes, with the limits `PathParameter` enforces. The examples
/// name what `make demo` serves (experiment 1, `demo`; layer `DAPI_c0`; map objects `Wells`),
/// so that a client generated from the document, or schemathesis, reaches real tiles there.
enum APIParameters {
    /// `PathParameter.name`: letters, digits, `_`, `-`, `.`, not starting with a dot, at most
    /// 128 characters (`..` anywhere is refused too, which a pattern without lookahead cannot say).
    static let namePattern = "^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$"

    static func path(_ name: String, _ description: String, schema: JSONValue, examples: [String: JSONValue]) -> JSONValue {
        ["name": .string(name), "in": "path", "required": true, "description": .string(description), "schema": schema,
         "examples": .object(examples.mapValues { ["value": $0] })]
    }

    static func query(_ name: String, _ description: String, required: Bool, schema: JSONValue,
                      example: JSONValue? = nil) -> JSONValue {
        let parameter: JSONValue = ["name": .string(name), "in": "query", "required": .bool(required),
                                    "description": .string(description), "schema": schema]
        return example.map { parameter.setting("example", $0) } ?? parameter
    }

    static let name: JSONValue = ["type": "string", "pattern": .string(namePattern)]

    /// A non-negative number of at most 9 digits (`PathParameter.number`).
    static let number: JSONValue = ["type": "integer", "minimum": 0, "maximum": .integer(PathParameter.maximumNumber)]

    /// Parameters several paths share, as `components.parameters`.
    static let shared: JSONValue = [
        "experiment": path("experiment", "The experiment's id or name.", schema: name, examples: ["id": "1", "name": "demo"]),
        "layer": path("layer", "A channel layer's name (channel, then `_c{cycle}`, `_t{tpoint}`, `_z{zplane}` where there are several).",
                      schema: name, examples: ["name": "DAPI_c0"]),
        "If-None-Match": [
            "name": "If-None-Match", "in": "header", "required": false,
            "description": "Entity tags from earlier answers: 304 when one is the current one (or `*`).",
            "schema": ["type": "string"],
        ],
    ]

    static func component(_ name: String) -> JSONValue { OpenAPIDocument.reference("parameters", name) }

    static let experiment = component("experiment")
    static let layer = component("layer")
    static let ifNoneMatch = component("If-None-Match")

    /// The TissueMAPS tile route names layers by id, as TissueMAPS did, or by name.
    static let layerIDOrName = path("layer", "A channel layer's id or name.", schema: name,
                                    examples: ["id": "1", "name": "DAPI_c0"])

    static let mapObjectType = path("type", "A map-object type (`Plates`, `Wells`, `Sites`, or a type other steps stored).",
                                    schema: name, examples: ["wells": "Wells"])

    static func level(_ name: String, _ description: String) -> JSONValue {
        path(name, description, schema: number, examples: ["first": 0])
    }

    static let deepZoomTile = path("tile", "`{column}_{row}` of the tile in its level.",
                                   schema: ["type": "string", "pattern": "^[0-9]{1,9}_[0-9]{1,9}$"], examples: ["first": "0_0"])

    /// TissueMAPS answered negative and too large coordinates with the black tile, so they parse.
    static func signedCoordinate(_ name: String, _ description: String) -> JSONValue {
        query(name, description, required: true,
              schema: ["type": "integer", "minimum": .integer(-PathParameter.maximumNumber),
                       "maximum": .integer(PathParameter.maximumNumber)],
              example: 0)
    }

    static let boundingBox: JSONValue = [
        "name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
        "description": "minX,minY,maxX,maxY in map coordinates (x to the right, y = −row), min ≤ max; the whole map when left out.",
        "schema": ["type": "array", "minItems": 4, "maxItems": 4,
                   "items": ["type": "number", "exclusiveMinimum": -1e12, "exclusiveMaximum": 1e12]],
    ]

    static let mapObjectLimit = query("limit", "At most this many features (the first by id).", required: false,
                                      schema: ["type": "integer", "minimum": 1,
                                               "maximum": .integer(ServerConfiguration.defaultMapObjectLimit)])

    // IIIF Image API 3.0 syntax (§4): the server answers what it cannot serve at level 0 with 404 or 501.
    static let iiifRegion = path("region", "`full`, `square`, `x,y,w,h` or `pct:x,y,w,h`; level 0 serves the tiles info.json lists.",
                                 schema: ["type": "string",
                                          "pattern": "^(full|square|[0-9]+,[0-9]+,[0-9]+,[0-9]+|pct:[0-9.]+,[0-9.]+,[0-9.]+,[0-9.]+)$"],
                                 examples: ["full": "full", "tile": "0,0,256,256"])
    static let iiifSize = path("size", "`max`, `w,`, `,h`, `w,h`, `!w,h` or `pct:n`, each optionally with `^`; level 0 serves the sizes info.json lists.",
                               schema: ["type": "string", "pattern": "^\\^?(max|pct:[0-9.]+|[0-9]+,|,[0-9]+|!?[0-9]+,[0-9]+)$"],
                               examples: ["max": "max", "width": "256,"])
    static let iiifRotation = path("rotation", "Degrees clockwise, `!` mirrors first; level 0 serves `0` only.",
                                   schema: ["type": "string", "pattern": "^!?[0-9]+(\\.[0-9]+)?$"], examples: ["none": "0"])
    static let iiifFile = path("file", "`{quality}.{format}`: level 0 serves `default`, `color` and `gray` (the tiles are gray) as `jpg`; `bitonal` and other formats are 501.",
                               schema: ["type": "string", "pattern": "^(default|color|gray|bitonal)\\.(jpg|tif|png|gif|jp2|pdf|webp)$"],
                               examples: ["default": "default.jpg"])
}
