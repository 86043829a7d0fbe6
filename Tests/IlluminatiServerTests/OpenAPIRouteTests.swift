import Foundation
import Hummingbird
@testable import IlluminatiServer
import Testing

/// The OpenAPI document against the router: every route the server registers has its path and
/// methods in the document, and every documented path and method is a route. The routes are
/// read from the router itself (Hummingbird's `Router.routes`), after it has generated HEAD for
/// every GET as it does when it serves.
@Suite struct OpenAPIRouteTests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() async throws {
        try await withServerRouter { router in
            let difference = Self.compare(router: router, document: try Self.servedDocument())
            #expect(difference.undocumented.isEmpty, "routes without a path or method in /openapi.json: \(difference.undocumented)")
            #expect(difference.unrouted.isEmpty, "documented operations that no route answers: \(difference.unrouted)")
        }
    }

    @Test func aRouteAddedWithoutDocumentationIsFound() async throws {
        try await withServerRouter { router in
            router.get("/api/experiments/:experiment/undocumented") { _, _ in "" }
            let difference = Self.compare(router: router, document: try Self.servedDocument())
            #expect(difference.undocumented == ["GET", "HEAD", "OPTIONS"].map { "\($0) /api/experiments/{experiment}/undocumented" })
            #expect(difference.unrouted.isEmpty)
        }
    }

    @Test func everyPathParameterIsDeclaredAndEveryReferenceResolves() throws {
        let document = try Self.servedDocument()
        #expect(document.root["openapi"] as? String == "3.1.0")
        for (path, item) in document.paths {
            let templated = Set(path.matches(of: /\{([^}]+)\}/).map { String($0.output.1) })
            let declared = document.parameters(path).filter { $0["in"] as? String == "path" }
            #expect(Set(declared.compactMap { $0["name"] as? String }) == templated, "\(path)")
            #expect(declared.allSatisfy { $0["required"] as? Bool == true }, "\(path)")
            // A GET answers HEAD too; a POST (a queue action) needs the admin token.
            let isAction = item["post"] != nil
            for method in isAction ? ["post", "options"] : ["get", "head", "options"] {
                let operation = try #require(item[method] as? [String: Any], "\(path) has no \(method)")
                let responses = try #require(operation["responses"] as? [String: Any])
                #expect(!responses.isEmpty, "\(method) \(path)")
            }
            if let action = item["post"] as? [String: Any] {
                #expect(item["get"] == nil, "\(path): an action has no GET")
                #expect((action["security"] as? [[String: [String]]]) == [["adminToken": []]], "\(path)")
                #expect((action["responses"] as? [String: Any]).map { Set($0.keys).isSuperset(of: ["200", "401", "403"]) } == true)
            }
        }
        let references = Self.references(in: document.root)
        #expect(references.contains("#/components/schemas/Error"))
        let schemes = try #require(document.components["securitySchemes"]?["adminToken"] as? [String: Any])
        #expect(schemes["type"] as? String == "http" && schemes["scheme"] as? String == "bearer")
        for reference in references {
            #expect(document.resolved(["$ref": reference]) != nil, "\(reference) names no component")
        }
    }

    static func references(in value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return object.values.reduce(into: Set((object["$ref"] as? String).map { [$0] } ?? [])) { $0.formUnion(references(in: $1)) }
        }
        if let array = value as? [Any] { return array.reduce(into: Set()) { $0.formUnion(references(in: $1)) } }
        return []
    }

    /// Operations as `METHOD /path` in the document's spelling.
    struct Difference {
        var undocumented: [String]
        var unrouted: [String]
    }

    /// Hummingbird spells a capture `{name}` as OpenAPI does; its `**` (the viewer's files, which
    /// may be a folder deeper) is the document's `{path}`, OpenAPI having no parameter that spans
    /// segments. OPTIONS is the CORS preflight, answered on every path (issue 16) by the CORS
    /// layer rather than by a route of its own.
    static func compare(router: Router<BasicRequestContext>, document: ParsedOpenAPIDocument) -> Difference {
        _ = router.buildResponder()
        let routes = router.routes.map { ($0.method.rawValue, $0.path.description.replacingOccurrences(of: "/**", with: "/{path}")) }
        let routed = Set(routes.map { "\($0) \($1)" } + routes.map { "OPTIONS \($1)" })
        let methods = ["get", "head", "options", "put", "post", "delete", "patch", "trace"]
        let documented = Set(document.paths.flatMap { path, item in
            methods.filter { item[$0] != nil }.map { "\($0.uppercased()) \(path)" }
        })
        return Difference(undocumented: routed.subtracting(documented).sorted(), unrouted: documented.subtracting(routed).sorted())
    }

    static func servedDocument() throws -> ParsedOpenAPIDocument { try ParsedOpenAPIDocument(OpenAPIDocument.bytes) }

    /// The server's router as `illuminati serve` builds it; its database pool never connects here.
    func withServerRouter(_ body: (Router<BasicRequestContext>) throws -> Void) async throws {
        let configuration = ServerConfiguration(port: 0, storageRoot: "/nonexistent", conninfo: "")
        let database = DatabasePool(conninfo: "", connections: 1, statementTimeoutSeconds: 1)
        do {
            try body(TileServer(configuration: configuration).router(database: database))
        } catch {
            await database.shutdown()
            throw error
        }
        await database.shutdown()
    }
}
