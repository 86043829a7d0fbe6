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

    /// Issue 13 item 5: every numeric column has a range (README), checked with the rest.
    @Test func numbersOutsideTheirRangesAreProblems() {
        let text = """
            path,plate,well,site_y,site_x,channel,cycle,tpoint,zplane,shift_y,shift_x
            a.tif,p,A01,9223372036854775807,0,DAPI,0,0,0,,
            b.tif,p,A01,100000000,0,DAPI,0,0,0,,
            c.tif,p,A01,0,0,DAPI,3000000000,0,0,,
            d.tif,p,A01,0,1e20,DAPI,0,0,0,,
            e.tif,p,A01,0,0,DAPI,1000,100000,10000,,
            f.tif,p,A01,0,0,DAPI,0,0,0,99999999999,0
            g.tif,p,A01,10000,9999,DAPI,999,99999,9999,-5,5
            h.tif,p,A01,-1,0,DAPI,0,0,0,,
            i.tif,p,A01,10000,10000,DAPI,0,0,0,,
            """
        let (entries, problems) = Manifest.entries(text: text, format: .csv, directory: "/d")
        #expect(entries.isEmpty)
        #expect(problems.map(\.description) == [
            "line 2: site_y must be between 0 and 9999, not 9223372036854775807",
            "line 3: site_y must be between 0 and 9999, not 100000000",
            "line 4: cycle must be between 0 and 999, not 3000000000",
            "line 5: site_x must be between 0 and 9999, not 1e20",
            "line 6: cycle must be between 0 and 999, not 1000",
            "line 6: tpoint must be between 0 and 99999, not 100000",
            "line 6: zplane must be between 0 and 9999, not 10000",
            "line 7: shift_y must be between -2147483647 and 2147483647, not 99999999999",
            "line 8: site_y must be between 0 and 9999, not 10000",
            "line 9: site_y must not be negative (-1)",
            "line 10: site_x must be between 0 and 9999, not 10000",
            "line 10: site_y must be between 0 and 9999, not 10000",
        ])
        let stage = "path,plate,well,stage_y,stage_x,channel\na.tif,p,A01,1e13,0,DAPI\nb.tif,p,A01,-1000000000000,1e308,DAPI\nc.tif,p,A01,-2e12,2e12,DAPI\n"
        #expect(Manifest.entries(text: stage, format: .csv, directory: "/d").problems.map(\.description) == [
            "line 2: stage_y must be between -1e12 and 1e12, not 1e13",
            "line 3: stage_x must be between -1e12 and 1e12, not 1e308",
            "line 4: stage_x must be between -1e12 and 1e12, not 2e12",
            "line 4: stage_y must be between -1e12 and 1e12, not -2e12",
        ])
    }

    /// Issue 13 item 7: an unclosed quote is reported on its line; the rows after it are
    /// still read and checked, not swallowed into one field.
    @Test func unterminatedQuoteReportsItsLine() {
        let text = "path,plate,well,site_y,site_x,channel\na.tif,p,A01,0,0,DAPI\nb.tif,\"p,A01,0,1,DAPI\nc.tif,p,A01,1,0,DAPI\nd.tif,p,A1,1,1,DAPI\n"
        let (entries, problems) = Manifest.entries(text: text, format: .csv, directory: "/d")
        #expect(entries.map(\.line) == [2, 4])
        #expect(problems.map(\.description) == [
            "line 3: unterminated quoted field: a \" on this line is never closed",
            "line 5: bad well name \"A1\" (expected a row letter A–P and a two-digit column 01–24, e.g. A01)",
        ])
        // A quoted field may span lines, so reading resumes on the line after the quote.
        let spanning = "path,plate,well,site_y,site_x,channel\na.tif,p,A01,0,0,\"DA\nPI\n"
        #expect(Manifest.entries(text: spanning, format: .csv, directory: "/d").problems.map(\.description) == [
            "line 2: unterminated quoted field: a \" on this line is never closed",
            "line 3: expected 6 fields as in the header, found 1",
        ])
        // Without its header, nothing else can be checked.
        let header = "path,\"plate,well,site_y,site_x,channel\na.tif,p,A01,0,0,DAPI\n"
        #expect(Manifest.entries(text: header, format: .csv, directory: "/d").problems.map(\.description) == [
            "line 1: unterminated quoted field: a \" on this line is never closed",
        ])
    }

    /// Issue 13 item 4: Python's `json.dump(rows, f)` writes every record on one line. Records
    /// are known by their position, and problems say "record N (line L)".
    @Test func jsonRecordsOnOneLineAreKnownByPosition() {
        let text = #"[{"path": "a.tif", "plate": "p", "well": "A01", "site_y": 0, "site_x": 0, "channel": "DAPI"}, "#
            + #"{"path": "b.tif", "plate": "p", "well": "A1", "site_y": 0, "site_x": 1, "channel": "DAPI"}, "#
            + #"{"path": "c.tif", "plate": "p", "well": "A01", "site_y": [1], "site_x": 0, "channel": "DAPI"}]"#
        let (entries, problems) = Manifest.entries(text: text, format: .json, directory: "/d")
        #expect(entries.map(\.path) == ["/d/a.tif"])
        #expect(problems.map(\.description) == [
            "record 2 (line 1): bad well name \"A1\" (expected a row letter A–P and a two-digit column 01–24, e.g. A01)",
            "record 3 (line 1): no value for site_y",
            "record 3 (line 1): site_y must be a string or a number",
        ])
        let error = ManifestError(source: "/data/run/manifest.json", problems: problems)
        #expect(error.description.contains("\n  manifest.json: record 2 (line 1): bad well name"), "\(error)")
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

    /// Issue 13 item 4: three records on one line (as `json.dump` writes them) are three
    /// sites, not duplicates of "line 1".
    @Test func jsonRecordsOnOneLineAreDistinctSites() throws {
        let records = [(0, 0), (0, 1), (1, 0)].map { y, x in
            #"{"path": "s\#(y)\#(x).tif", "plate": "p", "well": "A01", "site_y": \#(y), "site_x": \#(x), "channel": "DAPI"}"#
        }
        let text = "[" + records.joined(separator: ", ") + ", " + records[1] + "]"
        let (parsed, parseProblems) = Manifest.entries(text: text, format: .json, directory: "/d")
        #expect(parseProblems.isEmpty)
        let (_, problems) = ExperimentBuilder.build(name: "one-line", manifestPath: "/d/m.json", entries: parsed, files: images(parsed))
        #expect(problems.map(\.description) == [
            "record 4 (line 1): duplicate of record 2 (line 1): plate p, well A01, site (0, 1), channel DAPI, cycle 0, tpoint 0, zplane 0",
            "record 4 (line 1): same file as record 2 (line 1): /d/s01.tif",
        ])
        let unique = Array(parsed.prefix(3))
        let (experiment, none) = ExperimentBuilder.build(name: "one-line", manifestPath: "/d/m.json", entries: unique, files: images(unique))
        #expect(none.isEmpty, "\(none)")
        let e = try #require(experiment)
        #expect(e.plates[0].wells[0].sites.map { [$0.y, $0.x] } == [[0, 0], [0, 1], [1, 0]])
        #expect(e.images.map { [e.plates[0].wells[0].sites[$0.site.site].y, e.plates[0].wells[0].sites[$0.site.site].x] }
                == [[0, 0], [0, 1], [1, 0]])
    }

    /// Issue 13 item 7: one 8-bit image among fifteen 16-bit ones is the one named, and so
    /// is one image of another size, wherever it stands in the manifest.
    @Test func mismatchesNameTheOddOneOut() {
        let rows = entries((0..<16).map { "\($0).tif,p,A01,\($0 / 4),\($0 % 4),DAPI,0,," })
        var files = images(rows)
        files["/d/0.tif"] = .image(width: 100, height: 80, bitDepth: 8)
        files["/d/9.tif"] = .image(width: 100, height: 90, bitDepth: 16)
        let (experiment, problems) = ExperimentBuilder.build(name: "odd", manifestPath: "/d/m.csv", entries: rows, files: files)
        #expect(experiment == nil)
        #expect(problems.map(\.description) == [
            "line 2: image is 8-bit but 15 of the 16 images are 16-bit, the first on line 3; all images must have the same bit depth",
            "line 11: image is 90×100 (height×width) but 15 of the 16 images are 80×100, the first on line 2; all sites must have the same size",
        ])
        // A tie keeps the first image's values as the reference.
        let pair = entries(["a.tif,p,A01,0,0,DAPI,0,,", "b.tif,p,A01,0,1,DAPI,0,,"])
        var two = images(pair)
        two["/d/b.tif"] = .image(width: 100, height: 80, bitDepth: 12)
        #expect(ExperimentBuilder.build(name: "tie", manifestPath: "/d/m.csv", entries: pair, files: two).problems.map(\.line) == [3])
    }

    /// Issue 13 item 8: a shift of the whole site or more leaves no pixel; it killed every
    /// worker that drew the site. It is refused at `create`, with its line.
    @Test func shiftsMustBeSmallerThanTheSite() {
        let rows = entries([
            "a.tif,p,A01,0,0,DAPI,0,79,-99",
            "b.tif,p,A01,0,0,DAPI,1,80,0",
            "c.tif,p,A01,0,1,DAPI,1,0,-100",
            "d.tif,p,A01,0,1,DAPI,2,-100000,0",
        ])
        let (experiment, problems) = ExperimentBuilder.build(name: "far", manifestPath: "/d/m.csv", entries: rows, files: images(rows))
        #expect(experiment == nil)
        let rule = "(80×100, height×width): shift_y must lie between -79 and 79, shift_x between -99 and 99"
        #expect(problems.map(\.description) == [
            "line 3: shift (80, 0) is not smaller than the site \(rule)",
            "line 4: shift (0, -100) is not smaller than the site \(rule)",
            "line 5: shift (-100000, 0) is not smaller than the site \(rule)",
        ])
    }
}
