import Foundation
import IlluminatiCore
import IlluminatiImaging
import IlluminatiPyramid
@testable import IlluminatiServer
import Testing

/// IIIF Image API 3.0 requests as the server reads them, without a server: the syntax
/// (`IIIFImageRequest`), what a level 0 layer serves (`IIIFTile`), `info.json` and its media
/// type (`IIIFInfo`), and the black tiles of edge sizes (`BlankTiles`).
@Suite struct IIIFRequestTests {
    typealias Request = IIIFImageRequest

    /// The mosaic of the issue's example: 14 × 32 tiles at the base, level 13; the last
    /// column is 244 pixels wide; levels 0…8 are one tile each (1×1 … 112×255).
    static let geometry = try! LayerDescriptor(
        name: "DAPI_c0", channel: "DAPI", cycle: 0, tpoint: 0, zplane: 0,
        layout: PyramidLayout(baseSize: PixelSize(height: 8144, width: 3572)), format: .shards, quality: 90,
        window: IntensityWindow(lower: 0, upper: 255), bitDepth: 8, clip: .none, illuminationCorrection: nil,
        alignment: false).geometry

    /// The status a request is refused with, or 200 and its tile.
    static func answer(_ path: String) -> (status: Int, tile: TileAddress?) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        precondition(parts.count == 4, path)
        do {
            let request = try Request.parse(region: parts[0], size: parts[1], rotation: parts[2], file: parts[3])
            return (200, try IIIFTile.address(request, geometry: geometry))
        } catch {
            return (error.status.code, nil)
        }
    }

    static func tile(_ level: Int, _ column: Int, _ row: Int) -> TileAddress {
        TileAddress(level: level, row: row, column: column)
    }

    @Test func theSpecsSyntaxParsesToExactValues() throws {
        let vectors: [(String, Request)] = [
            ("full/max/0/default.jpg",
             Request(region: .full, size: .init(upscaling: false, form: .max), rotation: .init(mirrored: false, degrees: 0),
                     quality: .default, format: .jpg)),
            ("0,256,256,100/256,100/0/default.jpg",
             Request(region: .pixels(x: 0, y: 256, width: 256, height: 100), size: .init(upscaling: false, form: .exact(width: 256, height: 100)),
                     rotation: .init(mirrored: false, degrees: 0), quality: .default, format: .jpg)),
            ("pct:41.6,7.5,40,70/pct:50/22.5/gray.png",
             Request(region: .percent(x: 41.6, y: 7.5, width: 40, height: 70), size: .init(upscaling: false, form: .percent(50)),
                     rotation: .init(mirrored: false, degrees: 22.5), quality: .gray, format: .png)),
            ("square/^!360,360/!180/color.webp",
             Request(region: .square, size: .init(upscaling: true, form: .confined(width: 360, height: 360)),
                     rotation: .init(mirrored: true, degrees: 180), quality: .color, format: .webp)),
            ("125,15,120,140/90,/0.5/bitonal.tif",
             Request(region: .pixels(x: 125, y: 15, width: 120, height: 140), size: .init(upscaling: false, form: .width(90)),
                     rotation: .init(mirrored: false, degrees: 0.5), quality: .bitonal, format: .tif)),
            ("full/^,150/360/default.gif",
             Request(region: .full, size: .init(upscaling: true, form: .height(150)), rotation: .init(mirrored: false, degrees: 360),
                     quality: .default, format: .gif)),
            ("full/^pct:120/!0/default.pdf",
             Request(region: .full, size: .init(upscaling: true, form: .percent(120)), rotation: .init(mirrored: true, degrees: 0),
                     quality: .default, format: .pdf)),
            ("full/^max/0/default.jp2",
             Request(region: .full, size: .init(upscaling: true, form: .max), rotation: .init(mirrored: false, degrees: 0),
                     quality: .default, format: .jp2)),
        ]
        for (path, expected) in vectors {
            let parts = path.split(separator: "/").map(String.init)
            #expect(try Request.parse(region: parts[0], size: parts[1], rotation: parts[2], file: parts[3]) == expected, "\(path)")
        }
    }

    @Test func malformedSegmentsAre400() {
        // The first three are the validator's random values the issue quotes.
        let malformed = [
            "SeaOPQ/max/0/default.jpg", "full/iIEA7</0/default.jpg", "full/max/0/default.iX3",
            "FULL/max/0/default.jpg", "/max/0/default.jpg", "0,0,256/max/0/default.jpg", "0,0,256,256,1/max/0/default.jpg",
            "-1,0,256,256/max/0/default.jpg", "0,0,0,256/max/0/default.jpg", "0,0,256,0/max/0/default.jpg",
            "0,0,256,256 /max/0/default.jpg", "0x10,0,256,256/max/0/default.jpg", "1234567890,0,1,1/max/0/default.jpg",
            "pct:/max/0/default.jpg", "pct:1,2,3/max/0/default.jpg", "pct:1e2,0,1,1/max/0/default.jpg",
            "pct:0,0,0,10/max/0/default.jpg", "pct:-1,0,10,10/max/0/default.jpg",
            "full/full/0/default.jpg", "full//0/default.jpg", "full/,/0/default.jpg", "full/!5,/0/default.jpg",
            "full/^/0/default.jpg", "full/0,/0/default.jpg", "full/,0/0/default.jpg", "full/0,0/0/default.jpg",
            "full/pct:0/0/default.jpg", "full/pct:101/0/default.jpg", "full/256,256,1/0/default.jpg", "full/-5,/0/default.jpg",
            "full/max /0/default.jpg", "full/^^max/0/default.jpg", "full/pct:1.2.3/0/default.jpg", "full/!^5,5/0/default.jpg",
            "full/max/abc/default.jpg", "full/max/-90/default.jpg", "full/max/361/default.jpg", "full/max//default.jpg",
            "full/max/!/default.jpg", "full/max/+90/default.jpg", "full/max/1e2/default.jpg", "full/max/0.5.5/default.jpg",
            "full/max/./default.jpg",
            "full/max/0/default", "full/max/0/DEFAULT.jpg", "full/max/0/native.jpg", "full/max/0/grey.jpg",
            "full/max/0/default.JPG", "full/max/0/default.jpeg", "full/max/0/.jpg", "full/max/0/default.jpg.jpg",
        ]
        for path in malformed {
            #expect(Self.answer(path).status == 400, "\(path)")
        }
    }

    @Test func theSizesInfoJSONListsAreTheOneTileLevels() {
        let g = Self.geometry
        #expect(g.maxLevel == 13)
        let sizes = IIIFTile.sizes(g).map { [$0.width, $0.height] }
        #expect(sizes == [[1, 1], [1, 2], [2, 4], [4, 8], [7, 16], [14, 32], [28, 64], [56, 128], [112, 255]])
        for (level, size) in sizes.enumerated() {
            #expect(Self.answer("full/\(size[0]),\(size[1])/0/default.jpg").tile == Self.tile(level, 0, 0), "\(size)")
        }
        // `max` is the largest image of the region there is: for `full`, the largest size.
        #expect(Self.answer("full/max/0/default.jpg").tile == Self.tile(8, 0, 0))
        #expect(Self.answer("0,0,99999,99999/max/0/default.jpg").tile == Self.tile(8, 0, 0))
        // `w,` and `,h` name the size with that width or height whose other side is nearest
        // to the region's aspect ratio (1, is 1×2 rather than 1×1).
        #expect(Self.answer("full/56,/0/default.jpg").tile == Self.tile(7, 0, 0))
        #expect(Self.answer("full/,128/0/default.jpg").tile == Self.tile(7, 0, 0))
        #expect(Self.answer("full/1,/0/default.jpg").tile == Self.tile(1, 0, 0))
        #expect(Self.answer("full/,1/0/default.jpg").tile == Self.tile(0, 0, 0))
        // `color` is the gray tile (§4.4: a color request is answered with the colours there are).
        #expect(Self.answer("full/max/0/color.jpg").tile == Self.tile(8, 0, 0))
        #expect(Self.answer("full/max/0/gray.jpg").tile == Self.tile(8, 0, 0))
        #expect(Self.answer("full/max/360/default.jpg").tile == Self.tile(8, 0, 0))
        #expect(Self.answer("full/max/0.0/default.jpg").tile == Self.tile(8, 0, 0))
    }

    @Test func tilesAtEveryScaleFactorIncludingEdges() {
        #expect(Self.answer("0,0,256,256/256,256/0/default.jpg").tile == Self.tile(13, 0, 0))
        #expect(Self.answer("0,0,256,256/max/0/default.jpg").tile == Self.tile(13, 0, 0))
        #expect(Self.answer("0,0,256,256/256,/0/default.jpg").tile == Self.tile(13, 0, 0))
        #expect(Self.answer("0,0,256,256/,256/0/default.jpg").tile == Self.tile(13, 0, 0))
        // The last column is 244 wide; a region past the edge is cut there (§4.1).
        #expect(Self.answer("3328,1536,244,256/244,256/0/default.jpg").tile == Self.tile(13, 13, 6))
        #expect(Self.answer("3328,1536,256,256/244,256/0/default.jpg").tile == Self.tile(13, 13, 6))
        #expect(Self.answer("3328,7936,244,208/244,208/0/default.jpg").tile == Self.tile(13, 13, 31))
        // Scale factor 2: 512-pixel regions of level 12 (1786 × 4072), whose last column is 250 wide.
        #expect(Self.answer("0,0,512,512/256,256/0/default.jpg").tile == Self.tile(12, 0, 0))
        #expect(Self.answer("0,0,512,512/max/0/default.jpg").tile == Self.tile(12, 0, 0))
        #expect(Self.answer("3072,512,500,512/250,256/0/default.jpg").tile == Self.tile(12, 6, 1))
        // Scale factor 32 is level 8, the one-tile level: its tile is also `full`.
        #expect(Self.answer("0,0,8192,8192/112,255/0/default.jpg").tile == Self.tile(8, 0, 0))
    }

    @Test func validButNotATileIs404() {
        for path in ["1,0,256,256/256,256/0/default.jpg", "0,0,256,256/128,128/0/default.jpg", "0,0,300,300/max/0/default.jpg",
                     "0,0,512,512/255,/0/default.jpg",
                     "full/112,256/0/default.jpg", "full/57,128/0/default.jpg", "full/100,/0/default.jpg",
                     "3328,1536,244,256/243,256/0/default.jpg"] {
            #expect(Self.answer(path).status == 404, "\(path)")
        }
    }

    @Test func sizesTheSpecForbidsAre400() {
        for path in ["0,0,256,256/257,256/0/default.jpg", "0,0,256,256/512,/0/default.jpg", "0,0,256,256/,300/0/default.jpg",
                     "full/4000,/0/default.jpg", "full/224,509/0/default.jpg", "full/,300/0/default.jpg",
                     "3572,0,10,10/max/0/default.jpg", "0,8144,1,1/max/0/default.jpg", "pct:100,0,10,10/max/0/default.jpg",
                     "full/pct:0.001/0/default.jpg"] {
            #expect(Self.answer(path).status == 400, "\(path)")
        }
    }

    @Test func validFeaturesLevel0DoesNotHaveAre501() {
        for path in ["full/max/90/default.jpg", "full/max/!0/default.jpg", "full/max/180/default.jpg", "full/max/22.5/default.jpg",
                     "full/max/0/bitonal.jpg", "full/max/0/default.png", "full/max/0/default.webp", "square/max/0/default.jpg",
                     "pct:0,0,50,50/max/0/default.jpg", "full/^max/0/default.jpg", "full/^56,128/0/default.jpg",
                     "full/!100,100/0/default.jpg", "0,0,256,256/pct:50/0/default.jpg", "0,0,256,256/256,256/90/default.jpg"] {
            #expect(Self.answer(path).status == 501, "\(path)")
        }
    }

    @Test func infoJSONDescribesWhatIsServed() throws {
        let info = IIIFInfo(id: "http://h/iiif/1/DAPI_c0", geometry: Self.geometry)
        #expect(info.maxWidth == 256 && info.maxHeight == 256)
        #expect(info.tiles.count == 1 && info.tiles[0].scaleFactors == (0...13).map { 1 << $0 })
        #expect(info.sizes.count == 9 && info.sizes.last.map { [$0.width, $0.height] } == [112, 255])
        let text = String(decoding: try Responses.encoder(keys: .useDefaultKeys).encode(info), as: UTF8.self)
        #expect(text.hasPrefix(#"{"@context":"http://iiif.io/api/image/3/context.json","extraFeatures":["baseUriRedirect","jsonldMediaType"],"extraQualities":["gray"],"height":8144,"id":"http://h/iiif/1/DAPI_c0","maxHeight":256,"maxWidth":256,"profile":"level0","protocol":"http://iiif.io/api/image","sizes":[{"height":1,"width":1},"#))
        // Every listed size and tile is within the declared limits (§5.2).
        #expect(info.sizes.allSatisfy { $0.width <= info.maxWidth && $0.height <= info.maxHeight })
    }

    @Test func infoJSONMediaTypeFollowsTheAcceptHeader() {
        let ld = IIIFInfo.jsonLD, json = IIIFInfo.json
        #expect(ld == #"application/ld+json;profile="http://iiif.io/api/image/3/context.json""#)
        let vectors: [(String?, String)] = [
            (nil, ld), ("", ld), ("application/json", json), ("Application/JSON", json), ("application/ld+json", ld),
            ("*/*", ld), ("application/json, application/ld+json", ld), ("application/ld+json;q=0.5, application/json", json),
            ("application/json;q=0.9, */*", ld), ("application/ld+json;q=0, application/json;q=0.1", json),
            ("text/html", ld), ("application/*;q=0.5, application/json", json), ("application/json;q=0", ld),
            (#"application/ld+json;profile="http://iiif.io/api/image/3/context.json""#, ld),
            ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ld), ("application/json; charset=utf-8", json),
        ]
        for (accept, expected) in vectors {
            #expect(IIIFInfo.mediaType(accept: accept) == expected, "\(accept ?? "no Accept")")
        }
    }

    @Test func blankTilesHaveTheEdgeSizeAndAreKeptUpToTheLimit() throws {
        let blanks = BlankTiles(limit: 2)
        let edge = try blanks.tile(PixelSize(height: 256, width: 244), quality: 90)
        let image = try JPEGDecoder.decodeGray(edge.bytes)
        #expect(image.width == 244 && image.height == 256)
        #expect(image.pixels.allSatisfy { $0 < 3 })
        #expect(edge.etag == #""blank-244x256-q90""#)
        #expect(try blanks.tile(PixelSize(height: 256, width: 244), quality: 90).bytes == edge.bytes)
        #expect(blanks.count == 1)
        _ = try blanks.tile(PixelSize(height: 100, width: 244), quality: 90)
        _ = try blanks.tile(PixelSize(height: 100, width: 244), quality: 75)
        #expect(blanks.count <= 2)
    }
}
