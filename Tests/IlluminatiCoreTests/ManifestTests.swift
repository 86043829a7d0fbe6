@testable import IlluminatiCore
import Testing

@Suite struct ManifestParsingTests {
    @Test func csvWithQuotesCRLFAndDefaults() {
        let text = "\u{FEFF}Path, plate ,well,site_y,site_x,channel\r\n"
            + "a.tif,\"plate, \"\"one\"\"\",A01,0,1,DAPI\r\n"
            + "\r\n"
            + "../b.tif,p2,H12,2,0,GFP\r\n"
        let (entries, problems) = Manifest.entries(text: text, format: .csv, directory: "/data/run")
        #expect(problems.isEmpty)
        #expect(entries.count == 2)
        #expect(entries[0].plate == "plate, \"one\"")
        #expect(entries[0].path == "/data/run/a.tif")
        #expect(entries[0].position == .grid(y: 0, x: 1))
        #expect(entries[0].cycle == 0 && entries[0].tpoint == 0 && entries[0].zplane == 0 && entries[0].shift == nil)
        #expect(entries[1].line == 4)
        #expect(entries[1].path == "/data/b.tif")
        #expect(entries[1].well == WellName(row: 7, column: 11))
    }

    @Test func quotedLineBreaksKeepLineNumbersRight() {
        let text = "path,plate,well,site_y,site_x,channel\n\"multi\nline.tif\",p,A01,0,0,DAPI\nx.tif,p,A1,0,0,DAPI\n"
        let (_, problems) = Manifest.entries(text: text, format: .csv, directory: "/d")
        #expect(problems.map(\.line) == [4])
    }

    @Test func everyProblemIsReportedWithItsLine() {
        let text = """
            path,plate,well,site_y,site_x,channel,cycle,shift_y,shift_x
            a.tif,p,A1,0,0,DAPI,0,,
            b.tif,p,Z99,0,0,DAPI,0,,
            c.tif,p,A01,x,0,DAPI,0,,
            d.tif,p,A01,0,-1,DAPI,0,,
            e.tif,p,A01,0,0,"bad name'; --",0,,
            f.tif,p,A01,0,0,DAPI,1.5,,
            g.tif,p,A01,0,0,DAPI,0,3,
            h.tif,,A01,0,0,DAPI,0,,
            i.tif,p,A01,0,0,DAPI
            """
        let (entries, problems) = Manifest.entries(text: text, format: .csv, directory: "/d")
        #expect(entries.isEmpty)
        #expect(problems.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 9, 10])
        #expect(problems[0].message.contains("bad well name \"A1\""))
        #expect(problems[1].message.contains("bad well name \"Z99\""))
        #expect(problems[2].message.contains("site_y must be a whole number"))
        #expect(problems[3].message.contains("site_x must not be negative"))
        #expect(problems[4].message.contains("bad channel name"))
        #expect(problems[5].message.contains("cycle must be a whole number"))
        #expect(problems[6].message.contains("no value for shift_x"))
        #expect(problems[7].message.contains("no value for plate"))
        #expect(problems[8].message.contains("expected 9 fields"))
    }

    @Test func missingAndUnknownColumnsAreOneProblemEach() {
        let text = "path,plate,colour,site_y,site_x\na.tif,p,red,0,0\nb.tif,p,red,0,1\n"
        let (entries, problems) = Manifest.entries(text: text, format: .csv, directory: "/d")
        #expect(entries.isEmpty)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.message.contains("unknown column colour") })
        #expect(problems.contains { $0.message.contains("missing columns: well, channel") })
    }

    @Test func jsonManifestWithLinesAndStagePositions() {
        let text = """
            {"images": [
              {"path": "a.png", "plate": "p", "well": "B02", "stage_y": 10.5, "stage_x": -3,
               "channel": "DAPI", "cycle": 1, "shift_y": -2, "shift_x": 4},
              {"path": "b.png", "plate": "p", "well": "B2", "stage_y": 10.5, "stage_x": 300, "channel": "DAPI"},
              {"path": "c.png", "plate": "p", "well": "B02", "site_y": true, "site_x": 0, "channel": "DAPI"}
            ]}
            """
        let (entries, problems) = Manifest.entries(text: text, format: .json, directory: "/d")
        #expect(entries.count == 1)
        #expect(entries[0].line == 2)
        #expect(entries[0].position == .stage(StagePosition(y: 10.5, x: -3)))
        #expect(entries[0].shift == PixelOffset(y: -2, x: 4))
        #expect(entries[0].cycle == 1)
        #expect(problems.map(\.line) == [4, 5, 5])
    }

    @Test func invalidJSONPointsAtTheLine() {
        let (entries, problems) = Manifest.entries(text: "[\n {\"path\": \"a\",\n \"plate\" \"p\"}\n]", format: .json, directory: "/d")
        #expect(entries.isEmpty)
        #expect(problems.count == 1 && problems[0].line == 3 && problems[0].message.contains("invalid JSON"))
    }

    @Test func emptyManifests() {
        #expect(Manifest.entries(text: "", format: .csv, directory: "/d").problems.count == 1)
        #expect(Manifest.entries(text: "path,plate,well,site_y,site_x,channel\n", format: .csv, directory: "/d").problems
                    .contains { $0.message.contains("no images") })
        #expect(Manifest.entries(text: "[]", format: .json, directory: "/d").problems.count == 1)
    }

    @Test func wellNames() {
        #expect(WellName("A01") == WellName(row: 0, column: 0))
        #expect(WellName("A02") == WellName(row: 0, column: 1))
        #expect(WellName("P24") == WellName(row: 15, column: 23))
        #expect(WellName("H12")?.description == "H12")
        for bad in ["A1", "A001", "Q01", "A25", "A00", "a01", "Z99", "", "A0١"] { #expect(WellName(bad) == nil, "\(bad)") }
        #expect(PlateFormat.smallest(holding: [WellName("H12")!]) == .wells96)
        #expect(PlateFormat.smallest(holding: [WellName("I01")!]) == .wells384)
    }

    @Test func pathsResolveAgainstTheManifestFolder() {
        #expect(Manifest.resolvePath("a/./b/../c.tif", relativeTo: "/x/y") == "/x/y/a/c.tif")
        #expect(Manifest.resolvePath("/abs//p.tif", relativeTo: "/x") == "/abs/p.tif")
        #expect(Manifest.resolvePath("../../../../up.tif", relativeTo: "/x") == "/up.tif")
    }
}

@Suite struct ExperimentBuilderTests {
    func entries(_ rows: [String], header: String = "path,plate,well,site_y,site_x,channel,cycle,shift_y,shift_x") -> [ManifestEntry] {
        let (entries, problems) = Manifest.entries(text: ([header] + rows).joined(separator: "\n"), format: .csv, directory: "/d")
        #expect(problems.isEmpty, "\(problems)")
        return entries
    }

    func images(_ entries: [ManifestEntry], width: Int = 100, height: Int = 80, bitDepth: Int = 16) -> [String: ImageFileStatus] {
        Dictionary(entries.map { ($0.path, ImageFileStatus.image(width: width, height: height, bitDepth: bitDepth)) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func buildsACanonicalExperiment() throws {
        let rows = entries([
            "1.tif,second,B02,0,0,GFP,1,2,-3",
            "2.tif,second,A01,0,1,GFP,0,,",
            "3.tif,first,A01,0,0,DAPI,0,,",
            "4.tif,second,A01,0,0,DAPI,0,,",
            "5.tif,second,B02,0,0,DAPI,1,2,-3",
        ])
        let (experiment, problems) = ExperimentBuilder.build(name: "e1", manifestPath: "/d/m.csv", entries: rows, files: images(rows))
        #expect(problems.isEmpty)
        let e = try #require(experiment)
        #expect(e.plates.map(\.name) == ["second", "first"])
        #expect(e.plates[0].wells.map(\.name.description) == ["A01", "B02"])
        #expect(e.plates[0].wells[0].sites.map { [$0.y, $0.x] } == [[0, 0], [0, 1]])
        #expect(e.channels.map(\.name) == ["GFP", "DAPI"])
        #expect(e.cycles == [0, 1])
        #expect(e.siteSize == PixelSize(height: 80, width: 100))
        #expect(e.plateFormat == .wells96)
        #expect(e.images.map(\.line) == [2, 3, 4, 5, 6])
        #expect(e.images[0].site == Experiment.SiteKey(plate: 0, well: 1, site: 0))
        #expect(e.shifts == [Experiment.SiteShift(site: .init(plate: 0, well: 1, site: 0), cycle: 1, shift: PixelOffset(y: 2, x: -3))])
        #expect(e.layers.map(\.name) == ["GFP_c0", "GFP_c1", "DAPI_c0", "DAPI_c1"])
    }

    @Test func reportsEveryFileAndConsistencyProblem() {
        let rows = entries([
            "a.tif,p,A01,0,0,DAPI,0,,",
            "a.tif,p,A01,0,1,DAPI,0,,",
            "b.tif,p,A01,0,0,DAPI,0,,",
            "c.tif,p,A01,1,0,DAPI,0,,",
            "d.tif,p,A01,1,1,DAPI,0,,",
            "e.tif,p,A02,0,0,DAPI,0,,",
            "f.tif,p,A02,0,0,GFP,1,1,1",
            "g.tif,p,A02,0,0,DAPI,1,2,2",
        ])
        var files = images(rows)
        files["/d/c.tif"] = .unusable("file not found: /d/c.tif")
        files["/d/d.tif"] = .image(width: 50, height: 80, bitDepth: 16)
        files["/d/e.tif"] = .image(width: 100, height: 80, bitDepth: 12)
        let (experiment, problems) = ExperimentBuilder.build(name: "bad name!", manifestPath: "/d/m.csv", entries: rows, files: files)
        #expect(experiment == nil)
        let lines = problems.map(\.line)
        #expect(lines == [0, 3, 4, 5, 6, 7, 9])
        #expect(problems[0].message.contains("bad experiment name"))
        #expect(problems[1].message.contains("same file as line 2"))
        #expect(problems[2].message.contains("duplicate of line 2"))
        #expect(problems[3].message.contains("file not found"))
        #expect(problems[4].message.contains("all sites must have the same size"))
        #expect(problems[5].message.contains("12-bit"))
        #expect(problems[6].message.contains("differs from (1, 1) on line 8"))
    }

    @Test func stagePositionsBecomeAGridPerWell() throws {
        // A 2×3 grid, jittered and shuffled, for two channels.
        var rows: [String] = []
        let order = [4, 0, 5, 2, 1, 3]
        for channel in ["DAPI", "GFP"] {
            for index in order {
                let (r, c) = (index / 3, index % 3)
                let jitter = Double((index * 7 + channel.count) % 5) - 2
                rows.append("\(channel)\(index).tif,p,C03,\(Double(r) * 650 + jitter),\(Double(c) * 832 - jitter),\(channel),0,,")
            }
        }
        let parsed = entries(rows, header: "path,plate,well,stage_y,stage_x,channel,cycle,shift_y,shift_x")
        let (experiment, problems) = ExperimentBuilder.build(name: "staged", manifestPath: "/d/m.csv", entries: parsed, files: images(parsed))
        #expect(problems.isEmpty, "\(problems)")
        let e = try #require(experiment)
        #expect(e.plates[0].wells[0].sites.map { [$0.y, $0.x] } == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]])
        for image in e.images {
            let site = e.plates[0].wells[0].sites[image.site.site]
            let index = Int(image.path.split(separator: "/").last!.filter(\.isNumber))!
            #expect([site.y, site.x] == [index / 3, index % 3], "\(image.path)")
        }
    }

    @Test func stagePositionsThatAreNoGridAreAProblem() {
        let rows = entries(["a.tif,p,A01,0,0,DAPI,0,,", "b.tif,p,A01,0,1000,DAPI,0,,", "c.tif,p,A01,1000,0,DAPI,0,,"],
                           header: "path,plate,well,stage_y,stage_x,channel,cycle,shift_y,shift_x")
        let (experiment, problems) = ExperimentBuilder.build(name: "x", manifestPath: "/d/m.csv", entries: rows, files: images(rows))
        #expect(experiment == nil)
        #expect(problems.count == 1 && problems[0].line == 2 && problems[0].message.contains("well A01"))
    }
}
