import Foundation
import IlluminatiTestSupport
import IlluminatiImaging
import IlluminatiPyramid
import Testing

@Suite(.tags(.database)) struct TileRouteTests {
    @Test func tissueMAPSTilesAreTheStoredBytesAtEveryZoomLevel() async throws {
        let f = try await fixture()
        for layer in f.layers {
            let descriptor = try f.descriptor(layer)
            let layerID = try #require(f.layerIDs[layer])
            var compared = 0
            for z in 0..<descriptor.tissueMAPS.depth {
                let level = z + descriptor.tissueMAPS.zOffset
                let grid = try #require(descriptor.geometry.levels.first { $0.level == level })
                for y in 0..<grid.rows { for x in 0..<grid.columns {
                    let response = try await f.get("/api/experiments/\(f.experimentID)/channel_layers/\(layerID)/tiles?x=\(x)&y=\(y)&z=\(z)")
                    #expect(response.status == 200)
                    #expect(response.headers["content-type"] == "image/jpeg")
                    let expected = try f.storedTile(layer, level: level, column: x, row: y) ?? f.blankTile(layer)
                    #expect(response.body == expected, "tile z=\(z) x=\(x) y=\(y) of \(layer)")
                    compared += 1
                } }
            }
            #expect(compared > 4)
        }
    }

    @Test func layerNamesWorkLikeIDsInTheTissueMAPSRoute() async throws {
        let f = try await fixture()
        let layer = f.layers[0], descriptor = try f.descriptor(layer)
        let z = descriptor.tissueMAPS.depth - 1
        let byName = try await f.get("/api/experiments/\(f.experimentID)/channel_layers/\(layer)/tiles?x=0&y=0&z=\(z)")
        let byID = try await f.get("/api/experiments/\(f.experimentID)/channel_layers/\(f.layerIDs[layer]!)/tiles?x=0&y=0&z=\(z)")
        #expect(byName.status == 200)
        #expect(byName.body == byID.body)
        #expect(byName.body == f.storedTile(layer, level: descriptor.geometry.maxLevel, column: 0, row: 0))
    }

    @Test func blankAndOutsideTilesAreTheSharedBlackTile() async throws {
        let f = try await fixture()
        let layer = f.layers[0], id = f.layerIDs[layer]!, descriptor = try f.descriptor(layer)
        let blank = try f.blankTile(layer)
        let base = "/api/experiments/\(f.experimentID)/channel_layers/\(id)/tiles"
        let depth = descriptor.tissueMAPS.depth
        for query in ["x=-1&y=0&z=0", "x=0&y=-5&z=0", "x=0&y=0&z=-1", "x=999999999&y=0&z=\(depth - 1)",
                      "x=0&y=999999999&z=0", "x=0&y=0&z=\(depth)", "x=0&y=0&z=999999999"] {
            let response = try await f.get("\(base)?\(query)")
            #expect(response.status == 200, "\(query)")
            #expect(response.headers["content-type"] == "image/jpeg")
            #expect(response.body == blank, "\(query)")
        }
        // A tile inside the grid that was never written because it is black (the spacer
        // between wells, or beyond the sites) also comes back as the blank tile.
        let level = descriptor.geometry.maxLevel
        let grid = try #require(descriptor.geometry.levels.first { $0.level == level })
        var missing: (Int, Int)?
        for y in 0..<grid.rows { for x in 0..<grid.columns where f.storedTile(layer, level: level, column: x, row: y) == nil {
            missing = (x, y)
        } }
        if let (x, y) = missing {
            let response = try await f.get("\(base)?x=\(x)&y=\(y)&z=\(depth - 1)")
            #expect(response.status == 200)
            #expect(response.body == blank)
        }
        let decoded = try JPEGDecoder.decodeGray(blank)
        #expect(decoded.pixels.allSatisfy { $0 < 3 })
    }

    @Test func malformedCoordinatesAreRejected() async throws {
        let f = try await fixture()
        let base = "/api/experiments/\(f.experimentID)/channel_layers/\(f.layerIDs[f.layers[0]]!)/tiles"
        for query in ["x=0&y=0", "y=0&z=0", "", "x=abc&y=0&z=0", "x=1.5&y=0&z=0", "x=99999999999999999999&y=0&z=0",
                      "x=0x10&y=0&z=0", "x=%2e%2e&y=0&z=0", "x=+1&y=0&z=0", "x=--1&y=0&z=0"] {
            let response = try await f.get("\(base)?\(query)")
            #expect(response.status == 400, "\(query)")
            #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(try response.json()["error"] != nil)
        }
    }

    @Test func unknownExperimentOrLayerIs404JSON() async throws {
        let f = try await fixture()
        let id = f.layerIDs[f.layers[0]]!
        for path in ["/api/experiments/987654/channel_layers/\(id)/tiles?x=0&y=0&z=0",
                     "/api/experiments/\(f.experimentID)/channel_layers/987654/tiles?x=0&y=0&z=0",
                     "/api/experiments/\(f.experimentID)/channel_layers/nosuchlayer/tiles?x=0&y=0&z=0",
                     "/api/experiments/-1/channel_layers/\(id)/tiles?x=0&y=0&z=0",
                     "/dzi/\(f.experimentID)/nosuchlayer.dzi", "/dzi/987654/\(f.layers[0]).dzi",
                     "/xyz/\(f.experimentID)/nosuchlayer/0/0/0.jpg", "/iiif/987654/\(f.layers[0])/info.json",
                     "/api/experiments/987654", "/api/experiments/\(f.experimentID)/mapobjects/Nuclei"] {
            let response = try await f.get(path)
            #expect(response.status == 404, "\(path)")
            #expect(response.headers["content-type"]?.hasPrefix("application/json") == true, "\(path)")
            let error = try response.json()["error"] as? [String: Any]
            #expect(error?["status"] as? Int == 404, "\(path)")
        }
    }

    @Test func tilesCarryValidatorsAndAnswerConditionalAndHeadRequests() async throws {
        let f = try await fixture()
        let layer = f.layers[0], descriptor = try f.descriptor(layer)
        let path = "/dzi/\(f.experimentID)/\(layer)_files/\(descriptor.geometry.maxLevel)/0_0.jpg"
        let first = try await f.get(path)
        #expect(first.status == 200)
        let etag = try #require(first.headers["etag"])
        #expect(first.headers["cache-control"]?.contains("max-age") == true)
        let again = try await f.get(path, headers: ["If-None-Match": etag])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        let other = try await f.get(path, headers: ["If-None-Match": "\"something-else\""])
        #expect(other.status == 200)
        // Weak comparison (RFC 9110 §13.1.2): a weakened tag, a list, `*`.
        for match in ["W/\(etag)", "\"something-else\", W/\(etag)", "*"] {
            let conditional = try await f.get(path, headers: ["If-None-Match": match])
            #expect(conditional.status == 304, "\(match)")
            #expect(conditional.headers["etag"] == etag)
        }
        for match in ["w/\(etag)", String(etag.dropLast()), "W/\"\(etag)\""] {
            #expect(try await f.get(path, headers: ["If-None-Match": match]).status == 200, "\(match)")
        }
        let dzi = "/dzi/\(f.experimentID)/\(layer).dzi"
        let descriptorTag = try #require(try await f.get(dzi).headers["etag"])
        #expect(try await f.get(dzi, headers: ["If-None-Match": "W/\(descriptorTag)"]).status == 304)
        let head = try await f.get(path, method: "HEAD")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["content-length"] == String(first.body.count))
        #expect(head.headers["content-type"] == "image/jpeg")
    }

    @Test func deepZoomDescriptorAndTiles() async throws {
        let f = try await fixture()
        let layer = f.layers[1], descriptor = try f.descriptor(layer)
        let dzi = try await f.get("/dzi/\(f.experimentName)/\(layer).dzi")
        #expect(dzi.status == 200)
        #expect(dzi.headers["content-type"]?.hasPrefix("application/xml") == true)
        #expect(dzi.body == (try f.pyramid(layer).document(.deepZoom))?.bytes)
        #expect(try await f.get("/dzi/\(f.experimentID)/\(layer).dzi").body == dzi.body)
        for level in descriptor.geometry.levels {
            for row in 0..<level.rows { for column in 0..<level.columns {
                let response = try await f.get("/dzi/\(f.experimentID)/\(layer)_files/\(level.level)/\(column)_\(row).jpg")
                #expect(response.status == 200)
                let expected = try f.expectedTile(layer, level: level.level, column: column, row: row)
                #expect(response.body == expected, "\(level.level)/\(column)_\(row)")
            } }
        }
        let top = try #require(descriptor.geometry.levels.last)
        for path in ["\(top.level)/\(top.columns)_0.jpg", "\(top.level)/0_\(top.rows).jpg", "\(top.level + 1)/0_0.jpg",
                     "\(top.level)/-1_0.jpg", "\(top.level)/0_0_0.jpg", "\(top.level)/a_0.jpg", "99999999999/0_0.jpg"] {
            let response = try await f.get("/dzi/\(f.experimentID)/\(layer)_files/\(path)")
            #expect(response.status == 404 || response.status == 400, "\(path)")
        }
    }

    @Test func xyzTilesArePaddedTo256AndDescribedByTileJSON() async throws {
        let f = try await fixture()
        let layer = f.layers[0], descriptor = try f.descriptor(layer)
        let geometry = descriptor.geometry
        let tileJSON = try await f.get("/xyz/\(f.experimentID)/\(layer)/tiles.json")
        #expect(tileJSON.status == 200)
        let json = try tileJSON.json()
        let maxZoom = try #require(json["maxzoom"] as? Int)
        #expect(json["tileSize"] as? Int == 256)
        #expect(json["minzoom"] as? Int == 0)
        #expect(json["width"] as? Int == geometry.width && json["height"] as? Int == geometry.height)
        #expect((json["tiles"] as? [String])?.first?.hasSuffix("/xyz/\(f.experimentID)/\(layer)/{z}/{x}/{y}.jpg") == true)
        #expect(256 << maxZoom >= max(geometry.width, geometry.height))
        #expect(256 << (maxZoom - 1) < max(geometry.width, geometry.height))

        for z in 0...maxZoom {
            let level = geometry.maxLevel - (maxZoom - z)
            let grid = try #require(geometry.levels.first { $0.level == level })
            for y in 0..<(1 << z) { for x in 0..<(1 << z) {
                let response = try await f.get("/xyz/\(f.experimentID)/\(layer)/\(z)/\(x)/\(y).jpg")
                #expect(response.status == 200)
                let image = try JPEGDecoder.decodeGray(response.body)
                #expect(image.width == 256 && image.height == 256, "\(z)/\(x)/\(y)")
                guard x < grid.columns, y < grid.rows,
                      let stored = f.storedTile(layer, level: level, column: x, row: y) else {
                    #expect(image.pixels.allSatisfy { $0 < 3 }, "\(z)/\(x)/\(y) should be black")
                    continue
                }
                let original = try JPEGDecoder.decodeGray(stored)
                if original.width == 256 && original.height == 256 {
                    #expect(response.body == stored)
                    continue
                }
                // Re-encoded edge tile: the stored pixels top left, black elsewhere.
                var error = 0.0
                for r in 0..<original.height { for c in 0..<original.width {
                    error += abs(Double(image.pixels[r * 256 + c]) - Double(original.pixels[r * original.width + c]))
                } }
                #expect(error / Double(original.width * original.height) < 4, "\(z)/\(x)/\(y)")
                var brightestOutside: UInt8 = 0
                for r in 0..<256 { for c in 0..<256 where r >= original.height + 8 || c >= original.width + 8 {
                    brightestOutside = max(brightestOutside, image.pixels[r * 256 + c])
                } }
                #expect(brightestOutside < 4, "\(z)/\(x)/\(y) padding")
            } }
        }
        for path in ["\(maxZoom + 1)/0/0.jpg", "0/1/0.jpg", "0/0/1.jpg", "-1/0/0.jpg", "0/0/x.jpg"] {
            let response = try await f.get("/xyz/\(f.experimentID)/\(layer)/\(path)")
            #expect(response.status == 404 || response.status == 400, "\(path)")
        }
    }
}
