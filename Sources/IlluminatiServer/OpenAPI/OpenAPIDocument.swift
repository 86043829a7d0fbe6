import Foundation

/// The OpenAPI 3.1 description of the server's HTTP API, served at `/openapi.json`: built from
/// `APIPath.all` once per process. Every GET also answers HEAD (the router generates it), and
/// every path answers the CORS preflight.
enum OpenAPIDocument {
    static let value: JSONValue = [
        "openapi": "3.1.0",
        "info": [
            "title": "illuminati tile server",
            "version": "1",
            "description": """
                Tiles (TissueMAPS, DeepZoom, XYZ, IIIF Image API 3.0 level 0), experiment metadata, map objects, \
                the web viewer and metrics of `illuminati serve`. Experiments are named by id or name in every route. \
                Errors are JSON: `{"error": {"status", "message", "request_id"?}}`.
                """,
        ],
        "tags": [
            ["name": "tiles", "description": "Tiles and the descriptors of tiled images."],
            ["name": "experiments", "description": "Experiment metadata and map objects."],
            ["name": "viewer", "description": "The web viewer."],
            ["name": "operations", "description": "Metrics and this document."],
        ],
        "paths": .object(Dictionary(uniqueKeysWithValues: APIPath.all.map { ($0.path, pathItem($0)) })),
        "components": ["schemas": APISchemas.all, "parameters": APIParameters.shared, "headers": APIResponses.headers,
                       "responses": APIResponses.responses],
    ]

    static func pathItem(_ path: APIPath) -> JSONValue {
        var item: [String: JSONValue] = [
            "get": operation(path, id: "get"),
            // A HEAD answer is the GET answer's status and headers (Content-Type too), without the body.
            "head": operation(path, id: "head"),
            "options": preflight(path),
        ]
        if !path.pathParameters.isEmpty { item["parameters"] = .array(path.pathParameters) }
        return .object(item)
    }

    static func operation(_ path: APIPath, id: String) -> JSONValue {
        var operation: [String: JSONValue] = ["operationId": .string(id + path.name), "tags": [.string(path.tag)],
                                              "summary": .string(path.summary), "responses": .object(path.responses)]
        if !path.parameters.isEmpty { operation["parameters"] = .array(path.parameters) }
        return .object(operation)
    }

    /// The CORS preflight (issue 16): any route, any origin, no body.
    static func preflight(_ path: APIPath) -> JSONValue {
        ["operationId": .string("preflight" + path.name), "tags": [.string(path.tag)],
         "summary": "CORS preflight.",
         "responses": ["204": [
             "description": "The methods and headers a cross-origin request may use.",
             "headers": APIResponses.headers(["Access-Control-Allow-Origin"])
                 .setting("Access-Control-Allow-Methods", APIResponses.header("GET, HEAD, OPTIONS.")),
         ]]]
    }

    /// A reference to `components.<section>.<name>`.
    static func reference(_ section: String, _ name: String) -> JSONValue {
        ["$ref": .string("#/components/\(section)/\(name)")]
    }

    /// The document as served, encoded as the API's JSON is (sorted keys: the bytes, and the
    /// ETag, stay the same). Nothing in it can fail to encode (no non-finite numbers).
    static let bytes: [UInt8] = [UInt8]((try? Responses.encoder(keys: .useDefaultKeys).encode(value)) ?? Data())

    static let etag = Responses.etag(of: bytes)
}
