import IlluminatiCore
import Testing

/// Outlines of plates, wells and sites (TissueMAPS §4.4) on the §1.5 worked example.
struct MapObjectTests {
    typealias Spec = PlateLayoutSpec

    func workedExample() throws -> PlateLayout {
        let sites = [Spec.Site(y: 0, x: 0), Spec.Site(y: 0, x: 1), Spec.Site(y: 1, x: 0), Spec.Site(y: 1, x: 1)]
        let plate = Spec.Plate(name: "plate", wells: [
            Spec.Well(name: "A01", row: 0, column: 0, sites: sites),
            Spec.Well(name: "A02", row: 0, column: 1, sites: sites),
        ])
        return try PlateLayout(Spec(plates: [plate], siteSize: PixelSize(height: 1000, width: 1000)))
    }

    func points(_ pairs: [(Double, Double)]) -> [MapPoint] { pairs.map { MapPoint(x: $0.0, y: $0.1) } }

    @Test func siteOutlineOfTheWorkedExample() throws {
        let outlines = try workedExample().mapObjectOutlines()
        let site = try #require(outlines.first { $0.name == "plate/A02/1,0" })
        #expect(site.type == .sites)
        #expect(site.ring == points([(3498, -1001), (2501, -1001), (2501, -1998), (3498, -1998), (3498, -1001)]))
        #expect(site.centroid == MapPoint(x: 2999.5, y: -1499.5))
        #expect(site.wkt == "POLYGON((3498 -1001,2501 -1001,2501 -1998,3498 -1998,3498 -1001))")
    }

    @Test func plateAndWellOutlinesOfTheWorkedExample() throws {
        let outlines = try workedExample().mapObjectOutlines()
        #expect(outlines.filter { $0.type == .plates }.count == 1)
        #expect(outlines.filter { $0.type == .wells }.count == 2)
        #expect(outlines.filter { $0.type == .sites }.count == 8)
        let plate = try #require(outlines.first { $0.type == .plates })
        #expect(plate.ring == points([(4498, -1), (1, -1), (1, -1998), (4498, -1998), (4498, -1)]))
        let well = try #require(outlines.first { $0.name == "plate/A02" })
        #expect(well.ring == points([(4498, -1), (2501, -1), (2501, -1998), (4498, -1998), (4498, -1)]))
    }

    @Test func residuesFromShifts() {
        // §3.3: y shifts [0, 1, −2], x shifts [0, −1, 2] → top 1, bottom 2, left 2, right 1.
        let shifts = [PixelOffset(y: 0, x: 0), PixelOffset(y: 1, x: -1), PixelOffset(y: -2, x: 2)]
        #expect(SiteResidues(shifts: shifts) == SiteResidues(top: 1, bottom: 2, left: 2, right: 1))
        #expect(SiteResidues(shifts: []) == .none)
        #expect(SiteResidues(shifts: [PixelOffset(y: -3, x: -4)]) == SiteResidues(top: 0, bottom: 3, left: 0, right: 4))
    }

    @Test func siteOutlinesUseTheAlignedRegion() throws {
        let residues = SiteResidues(top: 1, bottom: 2, left: 2, right: 1)
        let outlines = try workedExample().mapObjectOutlines { _, _, _ in residues }
        let site = try #require(outlines.first { $0.name == "plate/A01/0,0" })
        // Aligned region: offset (1, 2), size 997×997 → x 3…997, row 2…996.
        #expect(site.ring == points([(997, -2), (3, -2), (3, -996), (997, -996), (997, -2)]))
    }
}
