import Foundation
import IlluminatiCore
import Testing

/// Plate, well and site placement (TissueMAPS §1.2–§1.5) with bug 4 fixed.
@Suite struct PlateLayoutGeometryTests {
    typealias Spec = PlateLayoutSpec

    func sites(_ rows: Int, _ columns: Int) -> [Spec.Site] {
        (0..<rows).flatMap { y in (0..<columns).map { Spec.Site(y: y, x: $0) } }
    }

    func well(_ name: String, _ row: Int, _ column: Int, sites: [Spec.Site] = [Spec.Site(y: 0, x: 0)]) -> Spec.Well {
        Spec.Well(name: name, row: row, column: column, sites: sites)
    }

    func offset(_ y: Int, _ x: Int) -> PixelOffset { PixelOffset(y: y, x: x) }
    func size(_ height: Int, _ width: Int) -> PixelSize { PixelSize(height: height, width: width) }

    let thousand = PixelSize(height: 1000, width: 1000)

    @Test func workedExample() throws {
        let plate = Spec.Plate(name: "plate", wells: [well("A01", 0, 0, sites: sites(2, 2)), well("A02", 0, 1, sites: sites(2, 2))])
        let layout = try PlateLayout(Spec(plates: [plate], siteSize: thousand))

        #expect(layout.size == size(2000, 4500))
        #expect(layout.plateSize == size(2000, 4500))
        #expect(layout.plateGrid == GridDimensions(rows: 1, columns: 1))
        #expect(layout.pyramid.depth == 6)
        #expect(layout.pyramid == PyramidGeometry(baseSize: size(2000, 4500)))
        #expect(layout.plates.count == 1)
        let placed = layout.plates[0]
        #expect(placed.gridIndex == GridIndex(row: 0, column: 0) && placed.offset == offset(0, 0) && placed.size == size(2000, 4500))
        #expect(placed.wells.map(\.offset) == [offset(0, 0), offset(0, 2500)])
        #expect(placed.wells.map(\.size) == [size(2000, 2000), size(2000, 2000)])
        #expect(placed.wells[0].sites.map(\.offset) == [offset(0, 0), offset(0, 1000), offset(1000, 0), offset(1000, 1000)])
        #expect(placed.wells[1].sites.map(\.offset) == [offset(0, 2500), offset(0, 3500), offset(1000, 2500), offset(1000, 3500)])
        #expect(placed.wells[1].sites.map { GridIndex(row: $0.y, column: $0.x) } == sites(2, 2).map { GridIndex(row: $0.y, column: $0.x) })
    }

    static let plateGridTable: [(count: Int, grid: GridDimensions, cells: [(Int, Int)], base: (Int, Int))] = [
        (1, .init(rows: 1, columns: 1), [(0, 0)], (1000, 1000)),
        (2, .init(rows: 2, columns: 1), [(0, 0), (1, 0)], (3000, 1000)),
        (3, .init(rows: 3, columns: 1), [(0, 0), (1, 0), (2, 0)], (5000, 1000)),
        (4, .init(rows: 2, columns: 2), [(0, 0), (1, 0), (0, 1), (1, 1)], (3000, 3000)),
        (5, .init(rows: 3, columns: 2), [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1)], (5000, 3000)),
    ]

    @Test(arguments: plateGridTable)
    func platesFillTheGridColumnMajor(count: Int, grid: GridDimensions, cells: [(Int, Int)], base: (Int, Int)) throws {
        let plates = (0..<count).map { Spec.Plate(name: "p\($0)", wells: [well("A01", 0, 0)]) }
        let layout = try PlateLayout(Spec(plates: plates, siteSize: thousand))
        #expect(layout.plateGrid == grid)
        #expect(layout.plates.map(\.name) == plates.map(\.name))
        #expect(layout.plates.map(\.gridIndex) == cells.map { GridIndex(row: $0.0, column: $0.1) })
        // Plates are 1000 px, the plate spacer 1000 px.
        #expect(layout.plates.map(\.offset) == cells.map { offset($0.0 * 2000, $0.1 * 2000) })
        #expect(layout.plates.map { $0.wells[0].sites[0].offset } == cells.map { offset($0.0 * 2000, $0.1 * 2000) })
        #expect(layout.size == size(base.0, base.1))
    }

    @Test func unequalPlatesArePlacedByTheLargestPlate() throws {
        // Plate 0 spans two well rows (2500 high), plate 1 one row; plate 2 two columns (2500 wide).
        let tall = Spec.Plate(name: "tall", wells: [well("A01", 0, 0), well("B01", 1, 0)])
        let small = Spec.Plate(name: "small", wells: [well("A01", 0, 0)])
        let wide = Spec.Plate(name: "wide", wells: [well("A01", 0, 0), well("A02", 0, 1)])

        let two = try PlateLayout(Spec(plates: [tall, small], siteSize: thousand))
        #expect(two.plateSize == size(2500, 1000))
        #expect(two.plates.map(\.size) == [size(2500, 1000), size(1000, 1000)])
        // TissueMAPS put plate 1 at its own height + spacer = 2000, inside plate 0.
        #expect(two.plates.map(\.offset) == [offset(0, 0), offset(3500, 0)])
        #expect(two.size == size(6000, 1000))

        let four = try PlateLayout(Spec(plates: [small, tall, small, wide], siteSize: thousand))
        #expect(four.plateSize == size(2500, 2500))
        #expect(four.plates.map(\.offset) == [offset(0, 0), offset(3500, 0), offset(0, 3500), offset(3500, 3500)])
        #expect(four.plates[3].wells.map(\.offset) == [offset(3500, 3500), offset(3500, 5000)])
        #expect(four.size == size(6000, 6000))
    }

    @Test func equalPlatesMatchTissueMAPSOwnSizeOffsets() throws {
        let plate = Spec.Plate(name: "p", wells: [well("B02", 1, 1, sites: sites(2, 3)), well("D07", 3, 6, sites: sites(2, 3))])
        let layout = try PlateLayout(Spec(plates: [plate, plate, plate], siteSize: size(200, 300)))
        let own = layout.plates[0].size
        #expect(own == size(2 * 400 + 500, 2 * 900 + 500))
        for placed in layout.plates {
            #expect(placed.offset == offset(placed.gridIndex.row * (own.height + 1000), placed.gridIndex.column * (own.width + 1000)))
        }
    }

    @Test func emptyPlateRowsAndColumnsCollapse() throws {
        let layout = try PlateLayout(Spec(plates: [Spec.Plate(name: "p", wells: [well("A01", 0, 0), well("C05", 2, 4)])], siteSize: thousand))
        #expect(layout.plateSize == size(2500, 2500))
        #expect(layout.plates[0].wells.map(\.offset) == [offset(0, 0), offset(1500, 1500)])

        let three = try PlateLayout(Spec(plates: [Spec.Plate(name: "p", wells: [well("C01", 2, 0), well("A05", 0, 4), well("A01", 0, 0)])],
                                         siteSize: thousand))
        #expect(three.plates[0].wells.map(\.name) == ["C01", "A05", "A01"])
        #expect(three.plates[0].wells.map(\.offset) == [offset(1500, 0), offset(0, 1500), offset(0, 0)])
        #expect(three.size == size(2500, 2500))
    }

    @Test func wellsShareTheLargestWellSizeOfTheirPlate() throws {
        // A01 has 2×1 sites (2000×1000), A02 1×3 (1000×3000): both are laid out as 2000×3000.
        let plate = Spec.Plate(name: "p", wells: [well("A01", 0, 0, sites: sites(2, 1)), well("A02", 0, 1, sites: sites(1, 3))])
        let other = Spec.Plate(name: "q", wells: [well("A01", 0, 0)])
        let layout = try PlateLayout(Spec(plates: [plate, other], siteSize: thousand))
        #expect(layout.plates[0].wells.map(\.size) == [size(2000, 3000), size(2000, 3000)])
        #expect(layout.plates[0].wells.map(\.offset) == [offset(0, 0), offset(0, 3500)])
        #expect(layout.plates[0].size == size(2000, 6500))
        // The other plate's wells only depend on that plate's wells.
        #expect(layout.plates[1].wells[0].size == thousand)
    }

    @Test func sparseSiteGridUsesTheLargestPosition() throws {
        let plate = Spec.Plate(name: "p", wells: [well("A01", 0, 0, sites: [Spec.Site(y: 2, x: 1), Spec.Site(y: 0, x: 0)])])
        let layout = try PlateLayout(Spec(plates: [plate], siteSize: thousand))
        #expect(layout.size == size(3000, 2000))
        #expect(layout.plates[0].wells[0].sites.map(\.offset) == [offset(2000, 1000), offset(0, 0)])
    }

    @Test func displacementSpacersAndTiling() throws {
        let plate = Spec.Plate(name: "p", wells: [well("A01", 0, 0, sites: sites(2, 2)), well("B02", 1, 1, sites: sites(2, 2))])
        let spec = Spec(plates: [plate, plate], siteSize: thousand, wellSpacer: 300, plateSpacer: 0,
                        siteDisplacement: offset(10, -20), tileSize: 512, zoomFactor: 4)
        let layout = try PlateLayout(spec)
        let wellSize = size(2 * 1000 + 10, 2 * 1000 - 20)
        #expect(layout.plates[0].wells[0].size == wellSize)
        #expect(layout.plateSize == size(2 * 2010 + 300, 2 * 1980 + 300))
        #expect(layout.plates[0].wells[1].offset == offset(2310, 2280))
        #expect(layout.plates[0].wells[1].sites.map(\.offset) == [offset(2310, 2280), offset(2310, 3260), offset(3320, 2280), offset(3320, 3260)])
        #expect(layout.plates[1].offset == offset(4320, 0))
        #expect(layout.size == size(8640, 4260))
        #expect(layout.pyramid == PyramidGeometry(baseSize: size(8640, 4260), tileSize: 512, zoomFactor: 4))
        #expect(layout.spec == spec)
    }

    @Test func specRoundTripsThroughJSON() throws {
        let plate = Spec.Plate(name: "p", wells: [well("B03", 1, 2, sites: sites(2, 1))])
        let spec = Spec(plates: [plate], siteSize: size(5, 7), wellSpacer: 3, siteDisplacement: offset(-1, 2))
        let decoded = try JSONDecoder().decode(Spec.self, from: JSONEncoder().encode(spec))
        #expect(decoded == spec)
        #expect(try PlateLayout(decoded) == PlateLayout(spec))
    }

    @Test func specDefaultsAreTissueMAPSDefaults() {
        let spec = Spec(plates: [], siteSize: thousand)
        #expect(spec.wellSpacer == 500 && spec.plateSpacer == 1000 && spec.siteDisplacement == offset(0, 0))
        #expect(spec.tileSize == 256 && spec.zoomFactor == 2)
    }

    static func invalidSpecs() -> [(Spec, GeometryError, String)] {
        let site = Spec.Site(y: 0, x: 0)
        let good = Spec.Well(name: "A01", row: 0, column: 0, sites: [site])
        let size = PixelSize(height: 10, width: 10)
        func spec(_ wells: [Spec.Well], siteSize: PixelSize = size) -> Spec {
            Spec(plates: [Spec.Plate(name: "P", wells: wells)], siteSize: siteSize)
        }
        var negativeWell = spec([good]); negativeWell.wellSpacer = -1
        var negativePlate = spec([good]); negativePlate.plateSpacer = -5
        var folded = spec([good]); folded.siteDisplacement = PixelOffset(y: -10, x: 0)
        var tile = spec([good]); tile.tileSize = 0
        var zoom = spec([good]); zoom.zoomFactor = 1
        return [
            (Spec(plates: [], siteSize: size), .noPlates, "no plates"),
            (spec([]), .emptyPlate(plate: "P"), "plate P has no wells"),
            (spec([Spec.Well(name: "A01", row: 0, column: 0, sites: [])]), .emptyWell(plate: "P", well: "A01"), "has no sites"),
            (spec([Spec.Well(name: "X", row: -1, column: 0, sites: [site])]),
             .negativeWellPosition(plate: "P", well: "X", row: -1, column: 0), "negative position"),
            (spec([Spec.Well(name: "A01", row: 0, column: 0, sites: [Spec.Site(y: 0, x: -2)])]),
             .negativeSitePosition(plate: "P", well: "A01", y: 0, x: -2), "negative grid position"),
            (spec([good], siteSize: PixelSize(height: 0, width: 10)), .nonPositiveSiteSize(PixelSize(height: 0, width: 10)), "must be positive"),
            (spec([good, Spec.Well(name: "A01", row: 0, column: 1, sites: [site])]), .duplicateWell(plate: "P", well: "A01"), "more than once"),
            (spec([good, Spec.Well(name: "Z", row: 0, column: 0, sites: [site])]),
             .wellsShareAPosition(plate: "P", first: "A01", second: "Z", row: 0, column: 0), "both at row 0, column 0"),
            (spec([Spec.Well(name: "A01", row: 0, column: 0, sites: [site, Spec.Site(y: 1, x: 0), site])]),
             .duplicateSite(plate: "P", well: "A01", y: 0, x: 0), "more than once"),
            (negativeWell, .negativeWellSpacer(-1), "must not be negative"),
            (negativePlate, .negativePlateSpacer(-5), "must not be negative"),
            (folded, .siteDisplacementTooNegative(displacement: PixelOffset(y: -10, x: 0), siteSize: size), "must start after"),
            (tile, .invalidTileSize(0), "tile size 0"),
            (zoom, .invalidZoomFactor(1), "zoom factor 1"),
        ]
    }

    @Test(arguments: invalidSpecs())
    func invalidSpecsAreRejected(spec: Spec, error: GeometryError, phrase: String) {
        #expect(throws: error) { try PlateLayout(spec) }
        #expect(error.description.contains(phrase), "\(error.description)")
    }

    /// Issue 13 item 5: a site position of 2^63 − 1 overflowed the layout arithmetic and
    /// trapped `experiment create`; a mosaic beyond PostgreSQL's `integer` reached the
    /// database as SQLSTATE 22003. Both are layout errors now.
    @Test func layoutsBeyondTheLimitsAreErrors() throws {
        func failure(_ spec: Spec) -> String? {
            do { _ = try PlateLayout(spec); return nil } catch { return "\(error)" }
        }
        func spec(site: Spec.Site, siteSize: PixelSize = PixelSize(height: 10, width: 10)) -> Spec {
            Spec(plates: [Spec.Plate(name: "P", wells: [well("A01", 0, 0, sites: [site])])], siteSize: siteSize)
        }
        #expect(failure(spec(site: Spec.Site(y: Int.max, x: 0)))
                == "site position in well A01 of plate P 9223372036854775807 is too large (at most 9999)")
        #expect(failure(spec(site: Spec.Site(y: 0, x: 10_000)))
                == "site position in well A01 of plate P 10000 is too large (at most 9999)")
        #expect(failure(spec(site: Spec.Site(y: 9_999, x: 9_999))) == nil)
        #expect(failure(spec(site: Spec.Site(y: 0, x: 0), siteSize: PixelSize(height: (1 << 28) + 1, width: 1))) == "site height 268435457 is too large (at most 268435456)")
        var far = spec(site: Spec.Site(y: 0, x: 0)); far.siteDisplacement = PixelOffset(y: 0, x: Int.min)
        #expect(failure(far) == "horizontal site displacement \(Int.max) is too large (at most 268435456)")
        let tall = PixelSize(height: 1 << 28, width: 3)
        #expect(failure(spec(site: Spec.Site(y: 7, x: 0), siteSize: tall))
                == "the mosaic would be 2147483648×3 pixels (height×width); each side must be at most 2147483647")
        let fits = try PlateLayout(spec(site: Spec.Site(y: 6, x: 0), siteSize: tall))
        #expect(fits.size == size(7 << 28, 3))
    }
}
