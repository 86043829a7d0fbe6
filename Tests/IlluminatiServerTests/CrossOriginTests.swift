import Foundation
import IlluminatiServer
import IlluminatiTestSupport
import Testing

/// CORS as browsers ask for it: every public route's answer (errors included) names the
/// origins that may read it, and `OPTIONS` preflights are answered on any path; `/metrics`
/// stays without. With `--cors-origin ORIGIN` only that origin is named, with `none` no one.
@Suite(.tags(.database)) struct CrossOriginTests {
    static let page = "http://viewer.example.org:8000"

    func publicPaths(_ f: ServerFixture) throws -> [String] {
        let layer = f.layers[0], level = try f.descriptor(layer).geometry.maxLevel
        return ["/dzi/\(f.experimentID)/\(layer).dzi", "/dzi/\(f.experimentID)/\(layer)_files/\(level)/0_0.jpg",
                "/iiif/\(f.experimentID)/\(layer)/info.json", "/iiif/\(f.experimentID)/\(layer)/0,0,256,256/256,256/0/default.jpg",
                "/xyz/\(f.experimentID)/\(layer)/tiles.json", "/xyz/\(f.experimentID)/\(layer)/0/0/0.jpg",
                "/api/experiments", "/api/experiments/\(f.experimentID)",
                "/api/experiments/\(f.experimentID)/channel_layers/\(f.layerIDs[layer]!)/tiles?x=0&y=0&z=0",
                "/api/experiments/\(f.experimentID)/mapobjects/Wells", "/", "/viewer/viewer.js", "/queue", "/api/queue"]
    }

    /// Errors (404 of a route, 404 of no route, 400) carry the header too, or a page could not
    /// tell a missing tile from a refused one.
    static let errorPaths = ["/dzi/987654/nosuchlayer.dzi", "/no/such/route", "/api/experiments/1/channel_layers/1/tiles?x=a"]

    @Test func everyPublicAnswerAndErrorAllowsAnyOrigin() async throws {
        let f = try await fixture()
        for path in try publicPaths(f) + Self.errorPaths {
            for method in ["GET", "HEAD"] {
                for headers in [["Origin": Self.page], [:]] {
                    let response = try await f.get(path, method: method, headers: headers)
                    #expect(response.headers["access-control-allow-origin"] == "*", "\(method) \(path) \(headers)")
                    #expect(response.headers["access-control-expose-headers"] == "ETag, Content-Length, X-Request-Id", "\(path)")
                    #expect(response.headers["vary"]?.contains("Origin") != true, "\(path): * does not vary")
                }
            }
        }
        for path in Self.errorPaths {
            #expect(try await f.get(path).status >= 400, "\(path) is an error")
        }
        let metrics = try await f.get("/metrics", headers: ["Origin": Self.page])
        #expect(metrics.status == 200)
        #expect(metrics.headers["access-control-allow-origin"] == nil)
    }

    @Test func preflightOnAnyPathIs204WithMethodsHeadersAndMaxAge() async throws {
        let f = try await fixture()
        for path in try publicPaths(f) + ["/no/such/route"] {
            let response = try await f.get(path, method: "OPTIONS", headers: [
                "Origin": Self.page, "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "if-none-match, x-requested-with",
            ])
            #expect(response.status == 204, "\(path)")
            #expect(response.body.isEmpty)
            #expect(response.headers["access-control-allow-origin"] == "*", "\(path)")
            #expect(response.headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS")
            #expect(response.headers["access-control-allow-headers"] == "if-none-match, x-requested-with")
            #expect(response.headers["access-control-max-age"] == "86400")
            #expect(response.headers["allow"] == "GET, HEAD, OPTIONS")
            #expect(response.headers["vary"] == "Access-Control-Request-Headers")
        }
        // Not a preflight (no Origin): still 204 and Allow; a header list that is not one is not echoed.
        let plain = try await f.get("/api/experiments", method: "OPTIONS")
        #expect(plain.status == 204)
        #expect(plain.headers["allow"] == "GET, HEAD, OPTIONS")
        let odd = try await f.get("/api/experiments", method: "OPTIONS", headers: [
            "Origin": Self.page, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-a, (b)",
        ])
        #expect(odd.status == 204)
        #expect(odd.headers["access-control-allow-headers"] == nil)
    }

    @Test func namedOriginsAreEchoedAndVaryByOrigin() async throws {
        let f = try await fixture()
        try await f.withServer({ $0.crossOrigin = try CrossOriginPolicy(arguments: [Self.page, "https://other.example"]) }) { server in
            let path = "/dzi/\(f.experimentID)/\(f.layers[0]).dzi"
            let allowed = try await ServerFixture.get(path, port: server.port, headers: ["Origin": Self.page])
            #expect(allowed.status == 200)
            #expect(allowed.headers["access-control-allow-origin"] == Self.page)
            #expect(allowed.headers["access-control-expose-headers"] != nil)
            #expect(allowed.headers["vary"]?.contains("Origin") == true)
            for headers in [["Origin": "http://evil.example"], ["Origin": "null"], [:]] {
                let refused = try await ServerFixture.get(path, port: server.port, headers: headers)
                #expect(refused.status == 200, "the answer is the same; the browser keeps it from the page")
                #expect(refused.headers["access-control-allow-origin"] == nil, "\(headers)")
                #expect(refused.headers["vary"]?.contains("Origin") == true, "\(headers)")
            }
            let missing = try await ServerFixture.get("/dzi/987654/x.dzi", port: server.port, headers: ["Origin": Self.page])
            #expect(missing.status == 404)
            #expect(missing.headers["access-control-allow-origin"] == Self.page)
            let preflight = try await ServerFixture.get(path, port: server.port, method: "OPTIONS", headers: [
                "Origin": Self.page, "Access-Control-Request-Method": "GET",
            ])
            #expect(preflight.status == 204)
            #expect(preflight.headers["access-control-allow-origin"] == Self.page)
            #expect(preflight.headers["vary"] == "Origin, Access-Control-Request-Headers")
            let refusedPreflight = try await ServerFixture.get(path, port: server.port, method: "OPTIONS", headers: [
                "Origin": "http://evil.example", "Access-Control-Request-Method": "GET",
            ])
            #expect(refusedPreflight.status == 204)
            #expect(refusedPreflight.headers["access-control-allow-origin"] == nil)
            #expect(refusedPreflight.headers["access-control-allow-methods"] == nil)
        }
    }

    @Test func noneSendsNoCORSHeaders() async throws {
        let f = try await fixture()
        try await f.withServer({ $0.crossOrigin = .off }) { server in
            for path in try publicPaths(f) + Self.errorPaths {
                let response = try await ServerFixture.get(path, port: server.port, headers: ["Origin": Self.page])
                #expect(!response.headers.keys.contains { $0.hasPrefix("access-control-") }, "\(path)")
            }
            let preflight = try await ServerFixture.get("/api/experiments", port: server.port, method: "OPTIONS", headers: [
                "Origin": Self.page, "Access-Control-Request-Method": "GET",
            ])
            #expect(preflight.status == 204)
            #expect(!preflight.headers.keys.contains { $0.hasPrefix("access-control-") })
        }
    }
}
