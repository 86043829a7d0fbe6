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
            ["name": "queue", "description": "The job queue's dashboard, its data, and its actions (with the admin token)."],
        ],
        "paths": .object(Dictionary(uniqueKeysWithValues: APIPath.all.map { ($0.path, pathItem($0)) })),
        "components": ["schemas": APISchemas.all, "parameters": APIParameters.shared,
                       "headers": APIResponses.headers, "responses": APIResponses.responses,
                       "securitySchemes": ["adminToken": [
                           "type": "http", "scheme": "bearer",
                           "description": """
                               The token `illuminati serve` was started with (`--admin-token`, `ILLUMINATI_ADMIN_TOKEN`). \
                               Missing or malformed credentials are a 401, a wrong token a 403; a server started \
                               without one answers every action with 403.
                               """,
                       ]]],
    ]

    static func pathItem(_ path: APIPath) -> JSONValue {
        var item: [String: JSONValue] = ["options": preflight(path)]
        switch path.method {
        case .get:
            item["get"] = operation(path, id: "get")
            // A HEAD answer is the GET answer's status and headers (Content-Type too), without the body.
            item["head"] = operation(path, id: "head")
        case .post:
            item["post"] = operation(path, id: "post").setting("security", [["adminToken": []]])
        }
        if !path.pathParameters.isEmpty { item["parameters"] = .array(path.pathParameters) }
        return .object(item)
    }

    static func operation(_ path: APIPath, id: String) -> JSONValue {
        var operation: [String: JSONValue] = ["operationId": .string(id + path.name), "tags": [.string(path.tag)],
                                              "summary": .string(path.summary), "responses": .object(path.responses)]
        if !path.parameters.isEmpty { operation["parameters"] = .array(path.parameters) }
        return .object(operation)
    }

    /// The CORS preflight: any route, any origin, no body. It is answered before the path is
    /// read, so its path parameters take any value (they override the path's). A path left out
    /// of CORS (`CrossOriginMiddleware.excludedPaths`) has no preflight: OPTIONS is a 405 there,
    /// as any method a path does not answer is (`MethodNotAllowedMiddleware`).
    /// POST is never among the methods allowed: the queue's actions are same-origin only.
    static func preflight(_ path: APIPath) -> JSONValue {
        let names = path.path.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}").first }
        let anyValue: [JSONValue] = names.map {
            ["name": .string(String($0)), "in": "path", "required": true, "schema": ["type": "string"],
             "description": "Any value: a preflight is answered before the path is read."]
        }
        let answered: JSONValue = [
            "description": "The methods and headers a cross-origin request may use.",
            "headers": APIResponses.headers(["Access-Control-Allow-Origin"])
                .setting("Access-Control-Allow-Methods", APIResponses.header("GET, HEAD, OPTIONS.")),
        ]
        let excluded = CrossOriginMiddleware.excludedPaths.contains(path.path)
        return ["operationId": .string("preflight" + path.name), "tags": [.string(path.tag)],
                "summary": excluded ? "No CORS here: operations data, not for pages." : "CORS preflight.",
                "parameters": .array(anyValue),
                "responses": excluded ? ["405": APIResponses.error("This path answers no preflight; `Allow` names the methods it answers.")
                    .setting("headers", APIResponses.headers(["Allow", "X-Request-Id", "Access-Control-Allow-Origin"]))]
                    : ["204": answered]]
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
