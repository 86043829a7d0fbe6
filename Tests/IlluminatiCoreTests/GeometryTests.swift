import Foundation
import IlluminatiCore
import Testing

/// Pyramid levels (TissueMAPS §2.1) and base tile spans (§2.2).
@Suite struct GeometryTests {
    typealias Pair = (Int, Int)

    static let levelTable: [(base: Pair, sizes: [Pair], tiles: [Pair])] = [
        ((100, 100), [(50, 50), (100, 100)], [(1, 1), (1, 1)]),
        ((256, 256), [(128, 128), (256, 256)], [(1, 1), (1, 1)]),
        ((257, 256), [(129, 128), (257, 256)], [(1, 1), (2, 1)]),
        ((512, 512), [(256, 256), (512, 512)], [(1, 1), (2, 2)]),
        ((513, 100), [(129, 25), (257, 50), (513, 100)], [(1, 1), (2, 1), (3, 1)]),
        ((2000, 4500), [(63, 141), (125, 282), (250, 563), (500, 1125), (1000, 2250), (2000, 4500)],
         [(1, 1), (1, 2), (1, 3), (2, 5), (4, 9), (8, 18)]),
        ((2160, 2560), [(135, 160), (270, 320), (540, 640), (1080, 1280), (2160, 2560)],
         [(1, 1), (2, 2), (3, 3), (5, 5), (9, 10)]),
        ((10000, 10000), [157, 313, 625, 1250, 2500, 5000, 10000].map { ($0, $0) },
         [1, 2, 3, 5, 10, 20, 40].map { ($0, $0) }),
        ((30000, 60000),
         [(118, 235), (235, 469), (469, 938), (938, 1875), (1875, 3750), (3750, 7500), (7500, 15000),
          (15000, 30000), (30000, 60000)],
         [(1, 1), (1, 2), (2, 4), (4, 8), (8, 15), (15, 30), (30, 59), (59, 118), (118, 235)]),
    ]

    @Test(arguments: levelTable)
    func levelsMatchTissueMAPS(base: Pair, sizes: [Pair], tiles: [Pair]) {
        let pyramid = PyramidGeometry(baseSize: PixelSize(height: base.0, width: base.1))
        #expect(pyramid.depth == sizes.count)
        #expect(pyramid.levels.map(\.size) == sizes.map { PixelSize(height: $0.0, width: $0.1) })
        #expect(pyramid.levels.map(\.tiles) == tiles.map { GridDimensions(rows: $0.0, columns: $0.1) })
        #expect(pyramid.baseSize == PixelSize(height: base.0, width: base.1))
        #expect(pyramid.tileSize == 256 && pyramid.zoomFactor == 2)
    }

    @Test func depthFollowsTheClosedFormAboveOneTile() {
        for side in [257, 300, 511, 512, 513, 1024, 1025, 4096, 4097, 99_999] {
            let pyramid = PyramidGeometry(baseSize: PixelSize(height: 7, width: side))
            let expected = 1 + Int((log2(Double(side) / 256)).rounded(.up))
            #expect(pyramid.depth == expected, "width \(side)")
        }
        // A base inside one tile still gets a halved level on top (TissueMAPS' server).
        #expect(PyramidGeometry(baseSize: PixelSize(height: 1, width: 1)).depth == 2)
    }

    @Test func otherTileSizeAndZoomFactor() {
        let pyramid = PyramidGeometry(baseSize: PixelSize(height: 1000, width: 250), tileSize: 100, zoomFactor: 3)
        #expect(pyramid.levels.map(\.size) == [(38, 10), (112, 28), (334, 84), (1000, 250)].map { PixelSize(height: $0.0, width: $0.1) })
        #expect(pyramid.levels.map(\.tiles) == [(1, 1), (2, 1), (4, 1), (10, 3)].map { GridDimensions(rows: $0.0, columns: $0.1) })
    }

    @Test func pyramidRoundTripsThroughJSON() throws {
        let pyramid = PyramidGeometry(baseSize: PixelSize(height: 2000, width: 4500))
        let decoded = try JSONDecoder().decode(PyramidGeometry.self, from: JSONEncoder().encode(pyramid))
        #expect(decoded == pyramid)
    }

    static let spanTable: [(position: Int, length: Int, indices: Range<Int>, offsets: [Int])] = [
        (0, 1000, 0..<4, [0, 256, 512, 768]),
        (1000, 1000, 3..<8, [-232, 24, 280, 536, 792]),
        (2500, 1000, 9..<14, [-196, 60, 316, 572, 828]),
        (256, 512, 1..<3, [0, 256]),
        (300, 100, 1..<2, [-44]),
        (2048, 2048, 8..<16, [0, 256, 512, 768, 1024, 1280, 1536, 1792]),
    ]

    @Test(arguments: spanTable)
    func baseTileSpansMatchTissueMAPS(position: Int, length: Int, indices: Range<Int>, offsets: [Int]) {
        let span = baseTileSpan(position: position, length: length)
        #expect(span == TileSpan(first: indices.lowerBound, end: indices.upperBound, offsets: offsets))
        #expect(span.indices == indices)
    }

    @Test func displacementShiftsOnlyTheEnd() {
        // TissueMAPS subtracts the displacement from the end (§7 bug 6), offsets are unaffected.
        #expect(baseTileSpan(position: 0, length: 1000, displacement: -100)
            == TileSpan(first: 0, end: 5, offsets: [0, 256, 512, 768, 1024]))
        #expect(baseTileSpan(position: 0, length: 1000, displacement: 300)
            == TileSpan(first: 0, end: 3, offsets: [0, 256, 512]))
    }

    @Test func spansLeftOfTheOriginAndOtherTileSizes() {
        #expect(baseTileSpan(position: -10, length: 20) == TileSpan(first: -1, end: 1, offsets: [-246, 10]))
        #expect(baseTileSpan(position: 250, length: 100, tileSize: 100) == TileSpan(first: 2, end: 4, offsets: [-50, 50]))
    }
}
