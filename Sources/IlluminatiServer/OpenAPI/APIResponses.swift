/// The OpenAPI responses of the routes, as `Responses` builds them: tiles with validators,
/// JSON documents, and JSON errors. What many operations share is a component they refer to.
enum APIResponses {
    static func header(_ description: String, required: Bool = false) -> JSONValue {
        ["description": .string(description), "required": .bool(required), "schema": ["type": "string"]]
    }

    static let headers: JSONValue = [
        "ETag": header("The version of the file: send it back in `If-None-Match`.", required: true),
        "Cache-Control": header("`public, max-age=300, must-revalidate` for tiles, `no-cache` for documents, `no-store` for metrics.",
                                required: true),
        // The CORS header (issue 16): `*` unless `--cors-origin` names an origin.
        "Access-Control-Allow-Origin": header("The origins that may read the answer (CORS)."),
        "X-Request-Id": header("The request's id in the server's log (500 and 503)."),
        "Location": header("Where the answer is.", required: true),
        "Allow": header("The methods this path answers.", required: true),
        "WWW-Authenticate": header("`Bearer realm=\"illuminati\"`: the admin token goes in `Authorization: Bearer`.", required: true),
    ]

    static func headers(_ names: [String]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: names.map { ($0, OpenAPIDocument.reference("headers", $0)) }))
    }

    static func content(_ mediaTypes: [String], schema: JSONValue = ["type": "string"]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: mediaTypes.map { ($0, ["schema": schema]) }))
    }

    static func reference(_ schema: String) -> JSONValue { OpenAPIDocument.reference("schemas", schema) }

    /// A 200 with a body; `validated` adds the ETag that `If-None-Match` is answered with.
    static func ok(_ description: String, _ content: JSONValue, validated: Bool = false) -> JSONValue {
        ["description": .string(description),
         "headers": headers(["Cache-Control", "Access-Control-Allow-Origin"] + (validated ? ["ETag"] : [])),
         "content": content]
    }

    static func json(_ description: String, schema: String) -> JSONValue {
        ok(description, content(["application/json"], schema: reference(schema)))
    }

    /// A 303 See Other to `Location`, without a body.
    static func seeOther(_ description: String) -> JSONValue {
        ["description": .string(description), "headers": headers(["Location", "Access-Control-Allow-Origin"])]
    }

    static func error(_ description: String) -> JSONValue {
        ["description": .string(description), "headers": headers(["X-Request-Id", "Access-Control-Allow-Origin"]),
         "content": content(["application/json"], schema: reference("Error"))]
    }

    static let responses: JSONValue = [
        "NotModified": ["description": "Not modified: `If-None-Match` named the current version.",
                        "headers": headers(["ETag", "Cache-Control", "Access-Control-Allow-Origin"])],
        "InternalError": error("An internal error: the message names a request id to find in the server's log."),
        "Unavailable": error("The experiment database is away or too slow (statement timeout); try again later."),
    ]

    static func component(_ name: String) -> JSONValue { OpenAPIDocument.reference("responses", name) }

    static let notModified = component("NotModified")

    static let tile: [String: JSONValue] = [
        "200": ok("A JPEG tile; a tile that was never written (blank) is the layer's black tile.",
                  content(["image/jpeg"], schema: ["type": "string", "contentMediaType": "image/jpeg"]), validated: true),
        "304": notModified,
    ]

    static func badRequest(_ description: String) -> [String: JSONValue] { ["400": error(description)] }
    static func notFound(_ description: String) -> [String: JSONValue] { ["404": error(description)] }

    /// Every route that looks an experiment up reads the catalog from PostgreSQL on first use.
    static let databaseErrors: [String: JSONValue] = ["500": component("InternalError"), "503": component("Unavailable")]
}
