import Foundation
import IlluminatiPostgres
import IlluminatiSample
import IlluminatiTestSupport
import Testing

/// A small sample plate written once per test process.
let smallPlate: (directory: TemporaryDirectory, manifest: String) = {
    let directory = TemporaryDirectory.make(prefix: "illuminati-plate")
    var spec = SamplePlateSpec()
    spec.plates = 2
    spec.wells = .names(["A01", "A02", "B01"])
    spec.siteRows = 2
    spec.siteColumns = 2
    spec.height = 48
    spec.width = 64
    spec.channels = 2
    spec.cycles = 2
    let result = try! SamplePlate.generate(spec, into: directory.path)
    return (directory, result.manifestPath)
}()

func illuminati(_ arguments: [String], database: String) throws -> Executables.Outcome {
    try Executables.run("illuminati", arguments + ["--database-url", database])
}

func noStackTrace(_ outcome: Executables.Outcome) -> Bool {
    !outcome.stderr.contains("Fatal error") && !outcome.stderr.contains("Stack dump") && !outcome.stderr.contains("backtrace")
}

@Suite(.tags(.database, .process)) struct ExperimentCommandTests {
    @Test func createListShowDelete() throws {
        let (database, _) = try TestDatabase.create(migrated: false)
        let created = try illuminati(["experiment", "create", "plate-1", "--manifest", smallPlate.manifest], database: database)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("2 plates, 6 wells, 24 sites, 2 channels, 2 cycles, 96 images"))

        let list = try illuminati(["experiment", "list"], database: database)
        #expect(list.status == 0)
        #expect(list.stdout.contains("plate-1"))

        let show = try illuminati(["experiment", "show", "plate-1", "--json"], database: database)
        #expect(show.status == 0, "\(show.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        let pyramid = try #require(json["pyramid"] as? [String: Any])
        // Wells A01, A02, B01 of 2×2 sites of 48×64: well 96×128, plate rows A,B and columns 1,2:
        // plate (2·96 + 500) × (2·128 + 500) = 692 × 756; two plates stacked (2×1 grid).
        #expect(pyramid["height"] as? Int == 2 * 692 + 1000)
        #expect(pyramid["width"] as? Int == 756)
        #expect(pyramid["levels"] as? Int == 5)
        let plates = try #require(json["plates"] as? [[String: Any]])
        #expect(plates.map { $0["name"] as? String } == ["plate01", "plate02"])
        #expect(plates.map { $0["offset"] as? [Int] } == [[0, 0], [1692, 0]])
        let wells = try #require(plates[1]["wells"] as? [[String: Any]])
        #expect(wells.map { $0["name"] as? String } == ["A01", "A02", "B01"])
        #expect(wells.map { $0["offset"] as? [Int] } == [[1692, 0], [1692, 628], [2288, 0]])
        let sites = try #require(wells[1]["sites"] as? [[String: Any]])
        #expect(sites.map { $0["offset"] as? [Int] } == [[1692, 628], [1692, 692], [1740, 628], [1740, 692]])
        #expect(sites.map { [$0["y"] as? Int, $0["x"] as? Int] } == [[0, 0], [0, 1], [1, 0], [1, 1]])

        let text = try illuminati(["experiment", "show", "plate-1"], database: database)
        #expect(text.status == 0 && text.stdout.contains("DAPI_c0"))

        let again = try illuminati(["experiment", "create", "plate-1", "--manifest", smallPlate.manifest], database: database)
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))

        let deleted = try illuminati(["experiment", "delete", "plate-1"], database: database)
        #expect(deleted.status == 0)
        let gone = try illuminati(["experiment", "show", "plate-1"], database: database)
        #expect(gone.status == 2 && gone.stderr.contains("no experiment named plate-1"))
        #expect(noStackTrace(gone))
    }

    @Test func aBadManifestListsEveryProblemAndWritesNothing() throws {
        let (database, db) = try TestDatabase.create()
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        let good = try String(contentsOfFile: smallPlate.manifest, encoding: .utf8).split(separator: "\n")
        let base = (smallPlate.manifest as NSString).deletingLastPathComponent
        func absolute(_ line: Substring) -> String {
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[0] = base + "/" + fields[0]
            return fields.joined(separator: ",")
        }
        try Data([0x49, 0x49, 0x2A, 0x00, 0x08]).write(to: URL(fileURLWithPath: directory.file("truncated.tif")))
        let lines = [String(good[0]), absolute(good[1]), absolute(good[2]),
                     absolute(good[1]),                                      // line 4: same file as line 2
                     "missing.tif,plate01,A01,0,0,DAPI,0,0,0,0,0",           // line 5
                     "truncated.tif,plate01,A01,5,5,DAPI,0,0,0,0,0",         // line 6
                     "x.tif,\"plate'); DROP TABLE plates; --\",A1,0,0,DAPI,0,0,0,0,0",  // line 7
                     "y.tif,plate01,Z99,0,0,DAPI,0,0,0,0,0",                 // line 8
                     "z.tif,plate01,A01,0,zero,DAPI,0,0,0,0,0"]              // line 9
        let manifest = try directory.write("bad.csv", lines.joined(separator: "\n") + "\n")
        let outcome = try illuminati(["experiment", "create", "broken", "--manifest", manifest], database: database)
        #expect(outcome.status == 2)
        #expect(noStackTrace(outcome))
        for expected in ["line 4: same file as line 2", "line 5: file not found", "line 6: cannot read image",
                         "line 7: bad well name \"A1\"", "line 8: bad well name \"Z99\"", "line 9: site_x must be a whole number"] {
            #expect(outcome.stderr.contains(expected), "missing \(expected) in \(outcome.stderr)")
        }
        #expect(try db.execute("SELECT count(*) AS n FROM experiments", name: "count").one().int("n") == 0)
        #expect(try db.execute("SELECT count(*) AS n FROM image_files", name: "count").one().int("n") == 0)
    }

    @Test func mixedSizesAndBitDepthsAreRefused() throws {
        let (database, db) = try TestDatabase.create()
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        var small = SamplePlateSpec()
        small.wells = .names(["A01"]); small.siteRows = 1; small.siteColumns = 2; small.height = 32; small.width = 32; small.channels = 1
        var twelve = small
        twelve.bitDepth = 12
        twelve.height = 40
        _ = try SamplePlate.generate(small, into: directory.file("a"))
        _ = try SamplePlate.generate(twelve, into: directory.file("b"))
        let a = try String(contentsOfFile: directory.file("a/manifest.csv"), encoding: .utf8).split(separator: "\n")
        let b = try String(contentsOfFile: directory.file("b/manifest.csv"), encoding: .utf8).split(separator: "\n")
        let rows = [String(a[0]), "a/" + a[1], "a/" + a[2]] + ["b/" + b[1].replacingOccurrences(of: ",plate01,", with: ",plate02,")]
        let manifest = try directory.write("mixed.csv", rows.joined(separator: "\n"))
        let outcome = try illuminati(["experiment", "create", "mixed", "--manifest", manifest], database: database)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("line 4: image is 40×32"))
        #expect(outcome.stderr.contains("line 4: image is 12-bit"))
        #expect(try db.execute("SELECT count(*) AS n FROM experiments", name: "count").one().int("n") == 0)
    }

    @Test func namesWithQuotesAndSQLAreStoredVerbatim() throws {
        let (database, _) = try TestDatabase.create()
        let text = try String(contentsOfFile: smallPlate.manifest, encoding: .utf8)
        let base = (smallPlate.manifest as NSString).deletingLastPathComponent
        let tricky = "plate'); DROP TABLE plates; --"
        let rows = text.split(separator: "\n").enumerated().map { index, line -> String in
            guard index > 0 else { return String(line) }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[0] = base + "/" + fields[0]
            if fields[1] == "plate02" { fields[1] = "\"\(tricky.replacingOccurrences(of: "\"", with: "\"\""))\"" }
            return fields.joined(separator: ",")
        }
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        let manifest = try directory.write("tricky.csv", rows.joined(separator: "\n"))
        let created = try illuminati(["experiment", "create", "tricky", "--manifest", manifest], database: database)
        #expect(created.status == 0, "\(created.stderr)")
        let show = try illuminati(["experiment", "show", "tricky", "--json"], database: database)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect((json["plates"] as? [[String: Any]])?.map { $0["name"] as? String } == ["plate01", tricky])
    }

    @Test func positionsManifestGivesTheSameGeometryAsGridIndices() throws {
        let (database, _) = try TestDatabase.create()
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        var spec = SamplePlateSpec()
        spec.wells = .count(2); spec.siteRows = 3; spec.siteColumns = 4; spec.height = 24; spec.width = 32; spec.channels = 2
        _ = try SamplePlate.generate(spec, into: directory.file("grid"))
        spec.positions = true
        _ = try SamplePlate.generate(spec, into: directory.file("stage"))
        var documents: [String] = []
        for name in ["grid", "stage"] {
            let created = try illuminati(["experiment", "create", name, "--manifest", directory.file("\(name)/manifest.csv")], database: database)
            #expect(created.status == 0, "\(created.stderr)")
            // The sample lists each well's sites shuffled: in no layout's order.
            #expect(created.stdout.contains("stitch from stage positions: 3×4 sites, an order none of the four layouts gives in every well (2 wells)")
                    == (name == "stage"), "\(created.stdout)")
            let show = try illuminati(["experiment", "show", name, "--json"], database: database)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
            documents.append(String(decoding: try JSONSerialization.data(withJSONObject: [json["pyramid"]!, json["plates"]!], options: .sortedKeys), as: UTF8.self))
        }
        #expect(documents[0] == documents[1])
    }

    @Test func usageErrorsAreOneLineWithoutStackTraces() throws {
        let (database, _) = try TestDatabase.create()
        for arguments in [["experiment", "create", "x"], ["experiment", "show"], ["bogus"], ["sample", "/tmp/x", "--sites", "3by3"],
                          ["experiment", "create", "bad/name", "--manifest", "/nonexistent.csv"],
                          ["experiment", "create", "ok", "--manifest", "/nonexistent.csv"]] {
            let outcome = try illuminati(arguments, database: database)
            #expect(outcome.status != 0, "\(arguments)")
            #expect(noStackTrace(outcome), "\(arguments): \(outcome.stderr)")
            #expect(!outcome.stderr.isEmpty)
        }
    }

    /// The small plate's manifest with absolute paths, so it can be written anywhere.
    func smallPlateRows() throws -> (header: String, rows: [[String]]) {
        let lines = try String(contentsOfFile: smallPlate.manifest, encoding: .utf8).split(separator: "\n").map(String.init)
        let base = (smallPlate.manifest as NSString).deletingLastPathComponent
        let rows = lines.dropFirst().map { line -> [String] in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[0] = base + "/" + fields[0]
            return fields
        }
        return (lines[0], rows)
    }

    func write(_ header: String, _ rows: [[String]], to name: String, in directory: TemporaryDirectory) throws -> String {
        try directory.write(name, ([header] + rows.map { $0.joined(separator: ",") }).joined(separator: "\n") + "\n")
    }

    func nothingWritten(_ db: DatabaseConnection) throws -> Bool {
        try db.execute("SELECT count(*) AS n FROM experiments", name: "count").one().int("n") == 0
    }

    /// Issue 13 item 5: site_y = 2^63 − 1 trapped in the plate layout (exit 132); 10^8 and a
    /// cycle of 3·10^9 reached PostgreSQL (exit 1, SQLSTATE 22003). Each is a manifest problem.
    @Test func numbersOutOfRangeAreManifestProblems() throws {
        let (database, db) = try TestDatabase.create()
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        var (header, rows) = try smallPlateRows()
        rows[0][3] = "9223372036854775807"  // site_y, line 2
        rows[1][3] = "100000000"            // site_y, line 3
        rows[2][6] = "3000000000"           // cycle, line 4
        let manifest = try write(header, rows, to: "ranges.csv", in: directory)
        let outcome = try illuminati(["experiment", "create", "ranges", "--manifest", manifest], database: database)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(noStackTrace(outcome) && !outcome.stderr.contains("SQLSTATE"), "\(outcome.stderr)")
        for expected in ["  ranges.csv: line 2: site_y must be between 0 and 9999, not 9223372036854775807\n",
                         "  ranges.csv: line 3: site_y must be between 0 and 9999, not 100000000\n",
                         "  ranges.csv: line 4: cycle must be between 0 and 999, not 3000000000\n"] {
            #expect(outcome.stderr.contains(expected), "missing \(expected) in \(outcome.stderr)")
        }
        #expect(try nothingWritten(db))
    }

    /// Issue 13 item 8: `shift_y=100000` was stored, and every worker that drew the site
    /// died in `SiteProjection.paste`. It is refused at `create`.
    @Test func aShiftLargerThanTheSiteIsRefused() throws {
        let (database, db) = try TestDatabase.create()
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        var (header, rows) = try smallPlateRows()
        // The site's shift in this cycle, in every channel, so that only the size is wrong.
        let target = rows[5]
        for index in rows.indices where rows[index][1...4] == target[1...4] && rows[index][6] == target[6] {
            rows[index][9] = "100000"
        }
        let manifest = try write(header, rows, to: "shift.csv", in: directory)
        let outcome = try illuminati(["experiment", "create", "shifted", "--manifest", manifest], database: database)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("shift.csv: line 7: shift (100000, \(target[10])) is not smaller than the site (48×64, height×width)"),
                "\(outcome.stderr)")
        #expect(noStackTrace(outcome))
        #expect(try nothingWritten(db))
    }

    /// Issue 13 item 7: a Latin-1 manifest is "not UTF-8" with the line of the first bad byte.
    @Test func aManifestThatIsNotUTF8NamesTheLine() throws {
        let (database, db) = try TestDatabase.create()
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        var (header, rows) = try smallPlateRows()
        rows[1][1] = "plaque-\u{E9}"
        var bytes = Array(([header] + rows.map { $0.joined(separator: ",") }).joined(separator: "\n").utf8)
        let accent = try #require(bytes.firstIndex(of: 0xC3))
        bytes.replaceSubrange(accent...accent + 1, with: [0xE9])  // é as Latin-1
        let manifest = directory.file("latin1.csv")
        try Data(bytes).write(to: URL(fileURLWithPath: manifest))
        let outcome = try illuminati(["experiment", "create", "latin", "--manifest", manifest], database: database)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("latin1.csv: not UTF-8 (line 3): byte 0xE9"), "\(outcome.stderr)")
        #expect(try nothingWritten(db))
    }

    /// Issue 13 item 6: a PNG cut in its pixel data (header intact) passed `create` and
    /// failed later inside jobs.
    @Test func aTruncatedImageIsRefusedAtCreate() throws {
        let (database, db) = try TestDatabase.create()
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        var spec = SamplePlateSpec()
        spec.wells = .names(["A01"]); spec.siteRows = 1; spec.siteColumns = 2; spec.height = 32; spec.width = 32
        spec.channels = 1; spec.format = .png
        let plate = try SamplePlate.generate(spec, into: directory.path)
        let lines = try String(contentsOfFile: plate.manifestPath, encoding: .utf8).split(separator: "\n")
        let victim = directory.file(String(lines[2].split(separator: ",")[0]))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: victim))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: victim))
        let outcome = try illuminati(["experiment", "create", "cut", "--manifest", plate.manifestPath], database: database)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        let name = (victim as NSString).lastPathComponent
        #expect(outcome.stderr.contains("  manifest.csv: line 3: cannot read image: /"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("/\(name): truncated PNG: the IDAT chunk at byte 33 needs"), "\(outcome.stderr)")
        #expect(try nothingWritten(db))
    }
}
