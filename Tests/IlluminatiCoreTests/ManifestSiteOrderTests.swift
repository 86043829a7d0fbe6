@testable import IlluminatiCore
import Testing

/// A manifest's `site` column (acquisition-order index) laid out by `StitchOptions`, and the
/// options' reversed stage axes.
extension ExperimentBuilderTests {
    static let orderHeader = "path,plate,well,site,channel"

    /// Rows `s<i>.tif` for sites 0..<count of one well.
    func orderedRows(_ count: Int) -> [ManifestEntry] {
        entries((0..<count).map { "s\($0).tif,p,A01,\($0),DAPI" }, header: Self.orderHeader)
    }

    /// Each image's grid cell, by the site index in its file name.
    func cellsBySite(_ experiment: Experiment) -> [Int: GridIndex] {
        let sites = experiment.plates[0].wells[0].sites
        return Dictionary(uniqueKeysWithValues: experiment.images.map { image in
            let site = sites[image.site.site]
            return (Int(image.path.split(separator: "/").last!.filter(\.isNumber))!, GridIndex(row: site.y, column: site.x))
        })
    }

    @Test func siteColumnDefaultsToZigzagHorizontalInTheGuessedGrid() throws {
        // guess_stitch_dimensions(6, 'vertical') = (3, 2), metaconfig's default layout zigzag_horizontal.
        let rows = orderedRows(6)
        let (experiment, problems) = ExperimentBuilder.build(name: "ordered", manifestPath: "/d/m.csv", entries: rows, files: images(rows))
        #expect(problems.isEmpty, "\(problems)")
        let cells = cellsBySite(try #require(experiment))
        #expect((0..<6).map { cells[$0]! } == [(0, 0), (0, 1), (1, 1), (1, 0), (2, 0), (2, 1)].map { GridIndex(row: $0.0, column: $0.1) })
    }

    @Test(arguments: StitchTests.layoutTable)
    func siteColumnFollowsTheGivenLayoutAndDimensions(dimensions: GridDimensions, layout: StitchLayout, expected: [(Int, Int)]) throws {
        let rows = orderedRows(6)
        let (experiment, problems) = ExperimentBuilder.build(
            name: "ordered", manifestPath: "/d/m.csv", entries: rows, files: images(rows),
            stitch: StitchOptions(layout: layout, dimensions: dimensions))
        #expect(problems.isEmpty, "\(problems)")
        let cells = cellsBySite(try #require(experiment))
        #expect((0..<6).map { cells[$0]! } == expected.map { GridIndex(row: $0.0, column: $0.1) })
    }

    @Test func aSiteOutsideTheGivenGridIsAProblemOfItsLine() {
        let rows = orderedRows(7)
        let (experiment, problems) = ExperimentBuilder.build(
            name: "ordered", manifestPath: "/d/m.csv", entries: rows, files: images(rows),
            stitch: StitchOptions(dimensions: GridDimensions(rows: 2, columns: 3)))
        #expect(experiment == nil)
        #expect(problems.map(\.line) == [8])
        #expect(problems.first?.message == "site 6 is outside the 2×3 stitch grid, which holds sites 0…5")
    }

    @Test func stitchOptionsThatCannotApplyAreProblems() {
        let rows = orderedRows(2)
        for dimensions in [GridDimensions(rows: 0, columns: 3), GridDimensions(rows: 1, columns: 10_001)] {
            let (_, problems) = ExperimentBuilder.build(name: "o", manifestPath: "/d/m.csv", entries: rows, files: images(rows),
                                                        stitch: StitchOptions(dimensions: dimensions))
            #expect(problems.map(\.message) == ["stitch dimensions \(dimensions) are invalid: rows and columns must be 1…10000"])
        }
        let (_, reversed) = ExperimentBuilder.build(name: "o", manifestPath: "/d/m.csv", entries: rows, files: images(rows),
                                                    stitch: StitchOptions(reverseRows: true))
        #expect(reversed.map(\.line) == [0] && reversed[0].message.contains("no row gives a stage position"))

        let grid = entries(["a.tif,p,A01,0,0,DAPI,0,,"])
        let (_, laidOut) = ExperimentBuilder.build(name: "o", manifestPath: "/d/m.csv", entries: grid, files: images(grid),
                                                   stitch: StitchOptions(layout: .vertical))
        #expect(laidOut.map(\.line) == [0] && laidOut[0].message.contains("no row gives a site index"))
    }

    @Test func reversedStageAxesNumberFromTheLargestCoordinate() throws {
        // A 2×2 grid; with both axes reversed the site at the largest y and x is (0, 0).
        let rows = entries(["s0.tif,p,A01,0,0,DAPI,0,,", "s1.tif,p,A01,0,900,DAPI,0,,",
                            "s2.tif,p,A01,700,0,DAPI,0,,", "s3.tif,p,A01,700,900,DAPI,0,,"],
                           header: "path,plate,well,stage_y,stage_x,channel,cycle,shift_y,shift_x")
        for (rowsReversed, columnsReversed, expected) in [
            (false, false, [(0, 0), (0, 1), (1, 0), (1, 1)]), (true, false, [(1, 0), (1, 1), (0, 0), (0, 1)]),
            (false, true, [(0, 1), (0, 0), (1, 1), (1, 0)]), (true, true, [(1, 1), (1, 0), (0, 1), (0, 0)]),
        ] {
            let (experiment, problems) = ExperimentBuilder.build(
                name: "staged", manifestPath: "/d/m.csv", entries: rows, files: images(rows),
                stitch: StitchOptions(reverseRows: rowsReversed, reverseColumns: columnsReversed))
            #expect(problems.isEmpty, "\(problems)")
            let cells = cellsBySite(try #require(experiment))
            #expect((0..<4).map { cells[$0]! } == expected.map { GridIndex(row: $0.0, column: $0.1) })
        }
    }
}

extension ManifestParsingTests {
    @Test func siteColumnIsAnAcquisitionIndexExclusiveOfTheOtherPositions() {
        let text = """
            path,plate,well,site,site_y,site_x,stage_y,stage_x,channel
            a.tif,p,A01,4,,,,,DAPI
            b.tif,p,A01,1,0,0,,,DAPI
            c.tif,p,A01,2,,,5.5,3,DAPI
            d.tif,p,A01,1000000,,,,,DAPI
            e.tif,p,A01,-1,,,,,DAPI
            f.tif,p,A01,,,,,,DAPI
            """
        let (entries, problems) = Manifest.entries(text: text, format: .csv, directory: "/d")
        #expect(entries.map(\.position) == [.order(4)])
        #expect(problems.map(\.line) == [3, 4, 5, 6, 7])
        #expect(problems[0].message == "give either site or site_y and site_x, not both")
        #expect(problems[1].message == "give either site or stage_y and stage_x, not both")
        #expect(problems[2].message.contains("site must be"))
        #expect(problems[3].message.contains("site must not be negative"))
        #expect(problems[4].message == "no site position: give site_y and site_x, site, or stage_y and stage_x")
    }

    @Test func aManifestWithoutAnyPositionColumnNamesSite() {
        let (_, problems) = Manifest.entries(text: "path,plate,well,channel\na.tif,p,A01,DAPI\n", format: .csv, directory: "/d")
        #expect(problems.map(\.message) == ["missing column: site_y and site_x (or site, or stage_y and stage_x)"])
    }
}
