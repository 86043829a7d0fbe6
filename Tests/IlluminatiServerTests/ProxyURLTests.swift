import Foundation
import IlluminatiServer
import IlluminatiTestSupport
import Testing

/// Absolute URLs (IIIF `id`, TileJSON `tiles`) as a client behind a proxy must see them:
/// from `Forwarded`, `X-Forwarded-Proto` / `X-Forwarded-Host`, or `--public-url`, and never
/// from a header value that is not a plain scheme or host.
@Suite(.tags(.database)) struct ProxyURLTests {
    /// The `id` of info.json and the template of tiles.json, each without its route.
    func bases(_ f: ServerFixture, port: Int? = nil, headers: [String: String] = [:]) async throws -> (iiif: String, xyz: String) {
        let layer = f.layers[0]
        let info = try await ServerFixture.get("/iiif/\(f.experimentID)/\(layer)/info.json", port: port ?? f.port, headers: headers)
        let tileJSON = try await ServerFixture.get("/xyz/\(f.experimentID)/\(layer)/tiles.json", port: port ?? f.port, headers: headers)
        #expect(info.status == 200 && tileJSON.status == 200, "\(headers)")
        let id = try #require(try info.json()["id"] as? String)
        let template = try #require((try tileJSON.json()["tiles"] as? [String])?.first)
        let iiifRoute = "/iiif/\(f.experimentID)/\(layer)", xyzRoute = "/xyz/\(f.experimentID)/\(layer)/{z}/{x}/{y}.jpg"
        #expect(id.hasSuffix(iiifRoute) && template.hasSuffix(xyzRoute), "\(id) \(template)")
        return (String(id.dropLast(iiifRoute.count)), String(template.dropLast(xyzRoute.count)))
    }

    @Test func urlsFollowTheHostOrTheProxysHeaders() async throws {
        let f = try await fixture()
        let direct = "http://127.0.0.1:\(f.port)"
        let cases: [([String: String], String)] = [
            ([:], direct),
            (["X-Forwarded-Proto": "https", "X-Forwarded-Host": "tiles.example.org"], "https://tiles.example.org"),
            (["X-Forwarded-Proto": "HTTPS, http", "X-Forwarded-Host": "Tiles.Example.org:8443, inner:8080"],
             "https://tiles.example.org:8443"),
            (["X-Forwarded-Proto": "https"], "https://127.0.0.1:\(f.port)"),
            (["Forwarded": "for=192.0.2.60;proto=https;host=\"tiles.example.org:8443\", for=10.0.0.2",
              "X-Forwarded-Proto": "http", "X-Forwarded-Host": "other.example"], "https://tiles.example.org:8443"),
            (["Forwarded": "for=192.0.2.60", "X-Forwarded-Host": "other.example"], "http://other.example"),
            // Hostile or broken values are ignored, field by field.
            (["X-Forwarded-Host": "evil.example/\"><script>"], direct),
            (["X-Forwarded-Host": "evil.example extra", "X-Forwarded-Proto": "javascript"], direct),
            (["X-Forwarded-Host": "user@evil.example"], direct),
            (["X-Forwarded-Host": "evil.example:99999", "X-Forwarded-Proto": "https://evil.example"], direct),
            (["Forwarded": "host=\"evil.example\\\"x\";proto=gopher", "X-Forwarded-Host": "good.example"], "http://good.example"),
            (["X-Forwarded-Host": String(repeating: "a", count: 300)], direct),
        ]
        for (headers, expected) in cases {
            let (iiif, xyz) = try await bases(f, headers: headers)
            #expect(iiif == expected, "\(headers)")
            #expect(xyz == expected, "\(headers)")
        }
    }

    @Test func thePublicURLWinsOverEveryHeader() async throws {
        let f = try await fixture()
        try await f.withServer({ $0.publicURL = try PublicURL("https://Tiles.Example.org/base/") }) { server in
            for headers in [[:], ["X-Forwarded-Proto": "http", "X-Forwarded-Host": "other.example",
                                  "Forwarded": "proto=http;host=third.example"]] {
                let (iiif, xyz) = try await bases(f, port: server.port, headers: headers)
                #expect(iiif == "https://tiles.example.org/base", "\(headers)")
                #expect(xyz == "https://tiles.example.org/base", "\(headers)")
            }
        }
    }

    /// HTTP/1.1 requires a valid Host (RFC 9112 §3.2); without one, and with no public URL or
    /// forwarded host, an absolute URL cannot be built and the answer is 400, not a document
    /// with a relative one.
    @Test func noValidHostIsABadRequest() async throws {
        let f = try await fixture()
        let path = "/xyz/\(f.experimentID)/\(f.layers[0])/tiles.json"
        let bad = try await ServerFixture.get(path, port: f.port, host: "bad host")
        #expect(bad.status == 400, "\(bad.text)")
        #expect(try bad.json()["error"] != nil)
        let forwarded = try await ServerFixture.get(path, port: f.port, headers: ["X-Forwarded-Host": "tiles.example.org"],
                                                    host: "bad host")
        #expect(forwarded.status == 200)
        #expect((try forwarded.json()["tiles"] as? [String])?.first?.hasPrefix("http://tiles.example.org/xyz/") == true)
    }
}
