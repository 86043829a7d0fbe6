import Foundation
import IlluminatiTestSupport
import Testing

/// tiles.json is a TileJSON 3.0.0 document as map clients read it: checked with a JSON Schema
/// validator (`jsonschema_rs`, which schemathesis brings into `.build/field-tools`) against
/// the constraints of the specification (github.com/mapbox/tilejson-spec, 3.0.0/README.md).
/// The schema is written here from the specification's text rather than copied from its
/// `schema.json`, which also requires `vector_layers`, where the text exempts raster tiles
/// (§3.3), and which leaves out what the text says of `tiles` (absolute, at least one) and
/// `bounds` (WGS 84 degrees, left, bottom, right, top).
@Suite(.tags(.database, .process)) struct TileJSONSchemaTests {
    static let longitude = #"{"type": "number", "minimum": -180, "maximum": 180}"#
    static let latitude = #"{"type": "number", "minimum": -90, "maximum": 90}"#
    static let zoom = #"{"type": "integer", "minimum": 0, "maximum": 30}"#
    static let strings = #"{"type": "array", "items": {"type": "string"}}"#
    static let schema = """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "type": "object",
          "required": ["tilejson", "tiles"],
          "properties": {
            "tilejson": {"type": "string", "pattern": "^3\\\\.0\\\\.0$"},
            "tiles": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^https?://[^/?#\\\\s]+/\\\\S*$"}},
            "vector_layers": {"type": "array", "items": {"type": "object", "required": ["id", "fields"],
              "properties": {"id": {"type": "string"}, "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                             "description": {"type": "string"}, "minzoom": {"type": "integer"}, "maxzoom": {"type": "integer"}}}},
            "attribution": {"type": "string"},
            "bounds": {"type": "array", "minItems": 4, "maxItems": 4,
                       "items": [\(longitude), \(latitude), \(longitude), \(latitude)]},
            "center": {"type": "array", "minItems": 3, "maxItems": 3, "items": [\(longitude), \(latitude), \(zoom)]},
            "data": \(strings),
            "description": {"type": "string"},
            "fillzoom": \(zoom),
            "grids": \(strings),
            "legend": {"type": "string"},
            "maxzoom": \(zoom),
            "minzoom": \(zoom),
            "name": {"type": "string"},
            "scheme": {"enum": ["xyz", "tms"]},
            "template": {"type": "string"},
            "version": {"type": "string", "pattern": "^\\\\d+\\\\.\\\\d+\\\\.\\\\d+"}
          }
        }
        """

    /// Prints `valid` or the errors of each document given after the schema.
    static let validate = """
        import json, sys, jsonschema_rs
        validator = jsonschema_rs.Draft7Validator(json.load(open(sys.argv[1])))
        for path in sys.argv[2:]:
            errors = [e.message for e in validator.iter_errors(json.load(open(path)))]
            print(path + ": " + ("; ".join(errors) if errors else "valid"))
        """

    @Test func tileJSONIsValidTileJSON300AndKeepsThePixelSizeApart() async throws {
        let f = try await fixture()
        let layer = f.layers[0], geometry = try f.descriptor(layer).geometry
        let answer = try await f.get("/xyz/\(f.experimentID)/\(layer)/tiles.json")
        #expect(answer.status == 200)
        let document = try answer.json()
        #expect(document["bounds"] == nil, "TileJSON bounds are degrees; a microscope image has none")
        #expect(document["width"] as? Int == geometry.width && document["height"] as? Int == geometry.height)
        let minzoom = try #require(document["minzoom"] as? Int), maxzoom = try #require(document["maxzoom"] as? Int)
        #expect(minzoom <= maxzoom)

        // What the server answered used to carry the mosaic's pixels as bounds: the schema
        // must refuse that, or this test could not tell.
        var pixelBounds = document
        pixelBounds["bounds"] = [0, 0, geometry.width, geometry.height]
        let folder = TemporaryDirectory.make(prefix: "illuminati-tilejson")
        defer { folder.remove() }
        let schemaPath = try folder.write("schema.json", Self.schema)
        let served = try folder.write("served.json", answer.text)
        let refused = try folder.write("pixel-bounds.json", String(decoding: try JSONSerialization.data(withJSONObject: pixelBounds),
                                                                  as: UTF8.self))
        let python = try FieldTools.python("python")
        let (status, output) = try FieldTools.run(python, ["-c", Self.validate, schemaPath, served, refused], timeout: .seconds(60))
        #expect(status == 0, "\(output)")
        #expect(output.contains("\(served): valid"), "\(output)")
        #expect(output.contains("\(refused): ") && !output.contains("\(refused): valid"), "\(output)")
        #expect(geometry.width > 180 && output.contains("maximum"), "\(output)")
    }
}
