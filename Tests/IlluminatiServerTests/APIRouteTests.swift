import CZlib
import Foundation
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct APIRouteTests {
    @Test func experimentListNamesTheExperiment() async throws {
        let f = try await fixture()
        let response = try await f.get("/api/experiments")
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
        let data = try #require(try response.json()["data"] as? [[String: Any]])
        let entry = try #require(data.first { ($0["id"] as? Int).map(Int64.init) == f.experimentID })
        #expect(entry["name"] as? String == f.experimentName)
        #expect(entry["wells"] as? Int == f.wells)
    }

    @Test func experimentDocumentHasPlatesWellsLayersClipValuesAndPyramidSize() async throws {
        let f = try await fixture()
        for key in ["\(f.experimentID)", f.experimentName] {
            let response = try await f.get("/api/experiments/\(key)")
            #expect(response.status == 200)
            let data = try #require(try response.json()["data"] as? [String: Any])
            #expect(data["name"] as? String == f.experimentName)
            let pyramid = try #require(data["pyramid"] as? [String: Any])
            #expect(pyramid["width"] as? Int == f.layout.size.width)
            #expect(pyramid["height"] as? Int == f.layout.size.height)
            #expect(pyramid["depth"] as? Int == f.layout.pyramid.depth)
            let plates = try #require(data["plates"] as? [[String: Any]])
            let wells = plates.flatMap { ($0["wells"] as? [[String: Any]]) ?? [] }
            #expect(wells.count == f.wells)
            #expect(wells.allSatisfy { (($0["sites"] as? [Any])?.count ?? 0) == 4 })
            let layers = try #require(data["layers"] as? [[String: Any]])
            #expect(layers.compactMap { $0["name"] as? String }.sorted() == f.layers.sorted())
            for layer in layers {
                let name = try #require(layer["name"] as? String)
                let descriptor = try f.descriptor(name)
                #expect(layer["built"] as? Bool == true)
                #expect(layer["min_intensity"] as? Int == descriptor.window.lower)
                #expect(layer["max_intensity"] as? Int == descriptor.window.upper)
                #expect(layer["max_zoom"] as? Int == descriptor.tissueMAPS.depth - 1)
            }
            let types = try #require(data["mapobject_types"] as? [String: Int])
            #expect(types["Wells"] == f.wells)
            #expect(data["pixel_size_um"] as? Double == ServerFixture.pixelSize)
        }
    }

    @Test func jsonIsGzippedWhenTheClientAcceptsIt() async throws {
        let f = try await fixture()
        let plain = try await f.get("/api/experiments/\(f.experimentID)")
        let zipped = try await f.get("/api/experiments/\(f.experimentID)", headers: ["Accept-Encoding": "gzip, deflate"])
        #expect(plain.headers["content-encoding"] == nil)
        #expect(zipped.headers["content-encoding"] == "gzip")
        #expect(zipped.headers["vary"] == "Accept-Encoding")
        #expect(zipped.body.count < plain.body.count)
        #expect(try gunzip(zipped.body) == plain.body)
        let refused = try await f.get("/api/experiments/\(f.experimentID)", headers: ["Accept-Encoding": "gzip;q=0"])
        #expect(refused.headers["content-encoding"] == nil)
    }

    @Test func mapObjectsInABoundingBox() async throws {
        let f = try await fixture()
        let size = f.layout.size
        let everything = try await f.get("/api/experiments/\(f.experimentID)/mapobjects/Wells?bbox=0,\(-size.height),\(size.width),0")
        #expect(everything.status == 200)
        #expect(everything.headers["content-type"] == "application/geo+json")
        let all = try everything.json()
        #expect(all["type"] as? String == "FeatureCollection")
        #expect((all["features"] as? [Any])?.count == f.wells)
        let noBox = try await f.get("/api/experiments/\(f.experimentID)/mapobjects/Wells").json()
        #expect((noBox["features"] as? [Any])?.count == f.wells)

        // A box around the first well's first site finds that well only, and that site.
        let site = f.layout.plates[0].wells[0].sites[0].offset
        let box = "\(site.x + 1),\(-(site.y + 2)),\(site.x + 2),\(-(site.y + 1))"
        let wells = try await f.get("/api/experiments/\(f.experimentID)/mapobjects/Wells?bbox=\(box)").json()
        let features = try #require(wells["features"] as? [[String: Any]])
        #expect(features.count == 1)
        #expect((features.first?["properties"] as? [String: Any])?["well"] as? String == f.layout.plates[0].wells[0].name)
        let sites = try await f.get("/api/experiments/\(f.experimentID)/mapobjects/Sites?bbox=\(box)").json()
        #expect((sites["features"] as? [Any])?.count == 1)
        let none = try await f.get("/api/experiments/\(f.experimentID)/mapobjects/Plates?bbox=-100,1,-50,2").json()
        #expect((none["features"] as? [Any])?.count == 0)

        for bad in ["1,2,3", "a,b,c,d", "3,0,1,0", "0,0,1,nan", "0,0,1,1e400", "0;0;1;1", "1,2,3,4,5"] {
            let response = try await f.get("/api/experiments/\(f.experimentID)/mapobjects/Wells?bbox=\(bad)")
            #expect(response.status == 400, "\(bad)")
        }
    }

    @Test func mapObjectAnswersAreCappedAndSayWhenTruncated() async throws {
        let f = try await fixture()
        let base = "/api/experiments/\(f.experimentID)/mapobjects/Sites"
        let all = try await f.get(base).json()
        let sites = try #require(all["features"] as? [[String: Any]])
        #expect(sites.count == f.wells * 4)
        #expect(all["truncated"] as? Bool == false)
        let capped = try await f.get("\(base)?limit=5").json()
        let first = try #require(capped["features"] as? [[String: Any]])
        #expect(first.count == 5)
        #expect(capped["truncated"] as? Bool == true)
        #expect(first.compactMap { $0["id"] as? Int } == sites.prefix(5).compactMap { $0["id"] as? Int }, "the first by id")
        let exact = try await f.get("\(base)?limit=\(sites.count)").json()
        #expect((exact["features"] as? [Any])?.count == sites.count)
        #expect(exact["truncated"] as? Bool == false)
        for bad in ["0", "-1", "abc", "10001", "99999999999"] {
            #expect(try await f.get("\(base)?limit=\(bad)").status == 400, "limit=\(bad)")
        }
    }

    @Test func pathTraversalAndInjectionNeverReachFiles() async throws {
        let f = try await fixture()
        let layer = f.layers[0]
        let attempts = [
            "/dzi/\(f.experimentID)/..%2f..%2f..%2fetc%2fpasswd.dzi",
            "/dzi/\(f.experimentID)/..%2F\(layer).dzi",
            "/dzi/\(f.experimentID)/../../etc/passwd.dzi",
            "/dzi/..%2f..%2fetc/\(layer).dzi",
            "/dzi/\(f.experimentID)/\(layer)_files/..%2f..%2f/0_0.jpg",
            "/dzi/\(f.experimentID)/\(layer)_files/0/..%2f..%2f..%2fetc%2fpasswd.jpg",
            "/dzi/\(f.experimentID)/%2e%2e_files/0/0_0.jpg",
            "/xyz/\(f.experimentID)/..%2f\(layer)/0/0/0.jpg",
            "/iiif/\(f.experimentID)/..%2f..%2f/info.json",
            "/api/experiments/\(f.experimentID)/channel_layers/..%2f..%2fetc/tiles?x=0&y=0&z=0",
            "/api/experiments/\(f.experimentID)%27%20OR%201=1--/channel_layers/\(layer)/tiles?x=0&y=0&z=0",
            "/api/experiments/\(f.experimentID)/mapobjects/Wells%27;DROP%20TABLE%20mapobjects;--",
            "/viewer/..%2f..%2fPackage.swift",
            "/viewer/../../Package.swift",
            "/viewer/%2e%2e/%2e%2e/etc/passwd",
            "/api/experiments/1e3",
            "/api/experiments/0x1",
        ]
        for path in attempts {
            let response = try await f.get(path)
            #expect((400..<500).contains(response.status), "\(path) → \(response.status)")
            #expect(!response.text.contains("root:"), "\(path)")
        }
        // The table is still there.
        let wells = try await f.get("/api/experiments/\(f.experimentID)/mapobjects/Wells").json()
        #expect((wells["features"] as? [Any])?.count == f.wells)
    }

    @Test func viewerFilesAreServedFromTheBinary() async throws {
        let f = try await fixture()
        let index = try await f.get("/")
        #expect(index.status == 200)
        #expect(index.headers["content-type"] == "text/html; charset=utf-8")
        #expect(index.text.contains("openseadragon.js"))
        let viewerDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/IlluminatiServer/Viewer").standardized
        for name in ["openseadragon/openseadragon.js", "viewer.js", "viewer.css", "openseadragon/images/zoomin_rest.png"] {
            let response = try await f.get("/viewer/\(name)")
            #expect(response.status == 200, "\(name)")
            let onDisk = try Data(contentsOf: viewerDirectory.appendingPathComponent(name))
            #expect(response.body == [UInt8](onDisk), "\(name)")
        }
        #expect(try await f.get("/viewer/openseadragon/openseadragon.js").headers["content-type"]?.hasPrefix("text/javascript") == true)
        #expect(try await f.get("/viewer/nothing.js").status == 404)
    }

    @Test func aRoutedPathAskedWithAnotherMethodIsA405ThatSaysWhichItAnswers() async throws {
        let f = try await fixture()
        let cases: [(method: String, path: String, allow: String)] = [
            ("DELETE", "/api/experiments/\(f.experimentID)", "GET, HEAD, OPTIONS"),
            ("PUT", "/dzi/\(f.experimentID)/\(f.layers[0]).dzi", "GET, HEAD, OPTIONS"),
            ("PATCH", "/viewer/openseadragon/openseadragon.js", "GET, HEAD, OPTIONS"),
            ("POST", "/api/experiments", "GET, HEAD, OPTIONS"),
            ("GET", "/api/queue/builds/1/pause", "POST, OPTIONS"),
            ("HEAD", "/api/queue/jobs/1/retry", "POST, OPTIONS"),
            ("POST", "/metrics", "GET, HEAD"),
        ]
        for (method, path, allow) in cases {
            let response = try await f.get(path, method: method)
            #expect(response.status == 405, "\(method) \(path)")
            #expect(response.headers["allow"] == allow, "\(method) \(path)")
            if method != "HEAD" {
                #expect(response.headers["content-type"]?.hasPrefix("application/json") == true, "\(method) \(path)")
                #expect((try response.json()["error"] as? [String: Any])?["message"] as? String
                        == "\(method) is not allowed here; this path answers \(allow)")
            }
        }
        // What no route has stays a 404, whatever the method; a routed GET that finds nothing too.
        for (method, path) in [("DELETE", "/api/nothing"), ("PUT", "/dzi/\(f.experimentID)"), ("GET", "/viewer/nothing.js"),
                               ("DELETE", "/api/experiments/\(f.experimentID)/channel_layers/extra")] {
            let response = try await f.get(path, method: method)
            #expect(response.status == 404, "\(method) \(path)")
            #expect(response.headers["allow"] == nil, "\(method) \(path)")
        }
    }

    @Test func metricsCountServedTiles() async throws {
        let f = try await fixture()
        _ = try await f.get("/dzi/\(f.experimentID)/\(f.layers[0])_files/0/0_0.jpg")
        let response = try await f.get("/metrics")
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(response.text.contains("illuminati_serve_tiles_total"))
        #expect(response.text.contains("http_server_request_duration_seconds_count{"))
    }
}

/// Inflates a gzip stream with zlib (windowBits 15 + 16 reads the gzip wrapper).
func gunzip(_ input: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw HTTPTestError("inflateInit2 failed")
    }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    var input = input
    var status: Int32 = Z_OK
    input.withUnsafeMutableBufferPointer { source in
        stream.next_in = source.baseAddress
        stream.avail_in = UInt32(source.count)
        repeat {
            chunk.withUnsafeMutableBufferPointer { target in
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                status = inflate(&stream, Z_NO_FLUSH)
                output += target[0..<(target.count - Int(stream.avail_out))]
            }
        } while status == Z_OK
    }
    guard status == Z_STREAM_END else { throw HTTPTestError("inflate: \(status)") }
    return output
}
