import Foundation
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiTestSupport
import Testing

/// The IIIF Image API 3.0 level 0 routes over HTTP, and the blank edge tiles they share with
/// DeepZoom.
@Suite(.tags(.database)) struct IIIFRouteTests {
    @Test func infoJSONDescribesTheTilesAndSizesAndFollowsAccept() async throws {
        let f = try await fixture()
        let layer = f.layers[0], geometry = try f.descriptor(layer).geometry
        let path = "/iiif/\(f.experimentID)/\(layer)/info.json"
        let info = try await f.get(path)
        #expect(info.status == 200)
        #expect(info.headers["content-type"] == #"application/ld+json;profile="http://iiif.io/api/image/3/context.json""#)
        #expect(info.headers["vary"]?.contains("Accept") == true)
        let json = try info.json()
        #expect(json["@context"] as? String == "http://iiif.io/api/image/3/context.json")
        #expect(json["type"] as? String == "ImageService3")
        #expect(json["profile"] as? String == "level0")
        #expect(json["width"] as? Int == geometry.width)
        #expect(json["height"] as? Int == geometry.height)
        #expect(json["maxWidth"] as? Int == 256 && json["maxHeight"] as? Int == 256)
        #expect(json["id"] as? String == "http://127.0.0.1:\(f.port)/iiif/\(f.experimentID)/\(layer)")
        let tiles = try #require((json["tiles"] as? [[String: Any]])?.first)
        #expect(tiles["scaleFactors"] as? [Int] == (0...geometry.maxLevel).map { 1 << $0 })
        let sizes = try #require(json["sizes"] as? [[String: Int]])
        #expect(sizes.map { [$0["width"]!, $0["height"]!] }
                == geometry.levels.filter { $0.columns == 1 && $0.rows == 1 }.map { [$0.width, $0.height] })

        let plain = try await f.get(path, headers: ["Accept": "application/json"])
        #expect(plain.headers["content-type"] == "application/json")
        #expect(plain.body == info.body)
        let linked = try await f.get(path, headers: ["Accept": "application/ld+json"])
        #expect(linked.headers["content-type"] == info.headers["content-type"])
    }

    @Test func everyTileAtEveryScaleFactorIsTheStoredTileOrABlankOfItsSize() async throws {
        let f = try await fixture()
        let layer = f.layers[0], geometry = try f.descriptor(layer).geometry
        for k in 0...geometry.maxLevel {
            let level = geometry.maxLevel - k
            let grid = try #require(geometry.levels.first { $0.level == level })
            let span = 256 << k
            for row in 0..<grid.rows { for column in 0..<grid.columns {
                let x = column * span, y = row * span
                let w = min(span, geometry.width - x), h = min(span, geometry.height - y)
                let sw = min(256, grid.width - column * 256), sh = min(256, grid.height - row * 256)
                let response = try await f.get("/iiif/\(f.experimentID)/\(layer)/\(x),\(y),\(w),\(h)/\(sw),\(sh)/0/default.jpg")
                #expect(response.status == 200, "k=\(k) \(column),\(row)")
                #expect(response.body == (try f.expectedTile(layer, level: level, column: column, row: row)), "k=\(k) \(column),\(row)")
            } }
        }
    }

    @Test func everySizeInfoJSONListsIsServedAndMaxIsTheLargest() async throws {
        let f = try await fixture()
        let layer = f.layers[1], geometry = try f.descriptor(layer).geometry
        let base = "/iiif/\(f.experimentID)/\(layer)"
        let sizes = geometry.levels.filter { $0.columns == 1 && $0.rows == 1 }
        #expect(sizes.count >= 3)
        for size in sizes {
            let response = try await f.get("\(base)/full/\(size.width),\(size.height)/0/default.jpg")
            #expect(response.status == 200, "\(size.width),\(size.height)")
            #expect(response.body == (try f.expectedTile(layer, level: size.level, column: 0, row: 0)), "\(size.width),\(size.height)")
            let image = try JPEGDecoder.decodeGray(response.body)
            #expect(image.width == size.width && image.height == size.height)
        }
        let largest = try #require(sizes.last)
        let expected = try f.expectedTile(layer, level: largest.level, column: 0, row: 0)
        for request in ["full/max", "full/\(largest.width),", "full/,\(largest.height)"] {
            let response = try await f.get("\(base)/\(request)/0/default.jpg")
            #expect(response.status == 200, "\(request)")
            #expect(response.body == expected, "\(request)")
        }
        // The tiles are gray: `gray` and `color` (§4.4) are the same bytes.
        for quality in ["gray", "color"] {
            #expect(try await f.get("\(base)/full/max/0/\(quality).jpg").body == expected, "\(quality)")
        }
    }

    @Test func aBlankEdgeTileHasTheEdgesSizeInDeepZoomAndIIIF() async throws {
        let f = try await fixture()
        var checked = 0
        for layer in f.layers {
            let descriptor = try f.descriptor(layer), geometry = descriptor.geometry
            for grid in geometry.levels {
                let edges = (0..<grid.rows).map { (grid.columns - 1, $0) } + (0..<grid.columns).map { ($0, grid.rows - 1) }
                for (column, row) in edges where f.storedTile(layer, level: grid.level, column: column, row: row) == nil {
                    let rect = try f.tileRect(layer, level: grid.level, column: column, row: row)
                    guard rect.width < 256 || rect.height < 256 else { continue }
                    let deepZoom = try await f.get("/dzi/\(f.experimentID)/\(layer)_files/\(grid.level)/\(column)_\(row).jpg")
                    #expect(deepZoom.status == 200)
                    #expect(deepZoom.headers["content-type"] == "image/jpeg")
                    let image = try JPEGDecoder.decodeGray(deepZoom.body)
                    #expect(image.width == rect.width && image.height == rect.height, "\(layer) \(grid.level)/\(column)_\(row)")
                    #expect(image.pixels.allSatisfy { $0 < 3 })

                    let k = geometry.maxLevel - grid.level, span = 256 << k
                    let x = column * span, y = row * span
                    let region = "\(x),\(y),\(min(span, geometry.width - x)),\(min(span, geometry.height - y))"
                    let iiif = try await f.get("/iiif/\(f.experimentID)/\(layer)/\(region)/\(rect.width),\(rect.height)/0/default.jpg")
                    #expect(iiif.status == 200)
                    #expect(iiif.body == deepZoom.body)
                    let etag = try #require(iiif.headers["etag"])
                    let again = try await f.get("/dzi/\(f.experimentID)/\(layer)_files/\(grid.level)/\(column)_\(row).jpg",
                                                headers: ["If-None-Match": etag])
                    #expect(again.status == 304)
                    checked += 1
                }
            }
        }
        // The fixture's mosaic has unwritten (black) tiles at its right edge; without one this
        // test would check nothing.
        #expect(checked > 0)
    }

    @Test func theBaseURIRedirectsToInfoJSON() async throws {
        let f = try await fixture()
        let layer = f.layers[0]
        for experiment in [String(f.experimentID), f.experimentName] {
            let response = try await f.get("/iiif/\(experiment)/\(layer)")
            #expect(response.status == 303)
            #expect(response.headers["location"] == "http://127.0.0.1:\(f.port)/iiif/\(f.experimentID)/\(layer)/info.json")
        }
        #expect(try await f.get("/iiif/\(f.experimentID)/nosuchlayer").status == 404)
    }

    @Test func malformedIs400UnsupportedIs501AndNotATileIs404() async throws {
        let f = try await fixture()
        let base = "/iiif/\(f.experimentID)/\(f.layers[0])"
        let vectors: [(String, Int)] = [
            ("SeaOPQ/max/0/default.jpg", 400), ("full/iIEA7</0/default.jpg", 400), ("full/max/0/default.iX3", 400),
            ("full/full/0/default.jpg", 400), ("full/max/0/default", 400), ("full/max/400/default.jpg", 400),
            ("0,0,256,256/512,512/0/default.jpg", 400), ("999999,0,256,256/max/0/default.jpg", 400),
            ("full/max/90/default.jpg", 501), ("full/max/!0/default.jpg", 501), ("full/max/0/bitonal.jpg", 501),
            ("full/max/0/default.png", 501), ("square/max/0/default.jpg", 501), ("full/^max/0/default.jpg", 501),
            ("1,0,256,256/256,256/0/default.jpg", 404), ("0,0,256,256/128,128/0/default.jpg", 404),
            ("full/max/0/default.jpg", 200), ("0,0,256,256/256,256/0/default.jpg", 200),
        ]
        for (path, status) in vectors {
            let response = try await f.get("\(base)/\(path)")
            #expect(response.status == status, "\(path)")
            if status != 200 {
                let error = try #require(try response.json()["error"] as? [String: Any], "\(path)")
                #expect(error["status"] as? Int == status)
            }
        }
        #expect(try await f.get("/iiif/\(f.experimentID)/nosuchlayer/full/max/0/default.jpg").status == 404)
    }
}
