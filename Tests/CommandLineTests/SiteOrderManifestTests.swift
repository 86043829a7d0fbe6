import Foundation
import IlluminatiCore
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

/// `experiment create` with a manifest whose sites are acquisition-order indices.
extension ExperimentCommandTests {
    /// The small plate's manifest with `site_y,site_x` replaced by the index at which
    /// `layout` visits that cell of its 2×2 site grid; also returns each path's true cell.
    func siteOrderManifest(_ layout: StitchLayout, in directory: TemporaryDirectory) throws -> (path: String, cells: [String: [Int]]) {
        let (header, rows) = try smallPlateRows()
        #expect(header.hasPrefix("path,plate,well,site_y,site_x,"))
        let order = gridCoordinates(dimensions: GridDimensions(rows: 2, columns: 2), layout: layout)
        var cells: [String: [Int]] = [:]
        let ordered = rows.map { fields -> [String] in
            let cell = GridIndex(row: Int(fields[3])!, column: Int(fields[4])!)
            cells[fields[0]] = [cell.row, cell.column]
            return Array(fields[0...2]) + ["\(order.firstIndex(of: cell)!)"] + Array(fields[5...])
        }
        let orderedHeader = header.replacingOccurrences(of: ",site_y,site_x,", with: ",site,")
        return (try write(orderedHeader, ordered, to: "site-order.csv", in: directory), cells)
    }

    @Test func aSiteColumnIsLaidOutByTheStitchLayout() throws {
        let (database, db) = try TestDatabase.create()
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        let (manifest, cells) = try siteOrderManifest(.zigzagVertical, in: directory)
        let created = try illuminati(["experiment", "create", "ordered", "--manifest", manifest,
                                      "--stitch-layout", "zigzag_vertical", "--stitch-dims", "2x2"], database: database)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("2 plates, 6 wells, 24 sites, 2 channels, 2 cycles, 96 images"))
        #expect(try storedCells("ordered", db).count == 96)
        #expect(try storedCells("ordered", db) == cells)

        // Without the flags: guessed 2×2 (4 sites) in TissueMAPS' default zigzag_horizontal,
        // which visits (0, 0), (0, 1), (1, 1), (1, 0): zigzag_vertical's sites 1 and 3 trade places.
        let guessed = try illuminati(["experiment", "create", "guessed", "--manifest", manifest], database: database)
        #expect(guessed.status == 0, "\(guessed.stderr)")
        let moved: [[Int]: [Int]] = [[0, 0]: [0, 0], [1, 0]: [0, 1], [1, 1]: [1, 1], [0, 1]: [1, 0]]
        #expect(try storedCells("guessed", db) == cells.mapValues { moved[$0]! })
    }

    /// Each image path of an experiment with its site's [y, x].
    func storedCells(_ experiment: String, _ db: DatabaseConnection) throws -> [String: [Int]] {
        let stored = try db.execute("""
            SELECT f.path, s.y, s.x FROM image_files f JOIN sites s ON s.id = f.site_id
            JOIN experiments e ON e.id = f.experiment_id WHERE e.name = $1
            """, [experiment.sqlValue], name: "cells")
        var found: [String: [Int]] = [:]
        for row in stored.rows { found[try row.string("path")] = [try row.int("y"), try row.int("x")] }
        return found
    }

    @Test func stitchDimensionsThatDoNotHoldTheSitesNameTheLine() throws {
        let (database, db) = try TestDatabase.create()
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        let (manifest, _) = try siteOrderManifest(.horizontal, in: directory)
        let lines = try String(contentsOfFile: manifest, encoding: .utf8).split(separator: "\n")
        let firstThree = try #require(lines.firstIndex { $0.split(separator: ",")[3] == "3" }) + 1
        let small = try illuminati(["experiment", "create", "small", "--manifest", manifest, "--stitch-dims", "1x3"], database: database)
        #expect(small.status == 2)
        #expect(noStackTrace(small))
        #expect(small.stderr.contains("site-order.csv: line \(firstThree): site 3 is outside the 1×3 stitch grid, which holds sites 0…2"),
                "\(small.stderr)")
        #expect(try nothingWritten(db))
        // `pyramid` reads the manifest with the same flags.
        let local = try Executables.run("illuminati", ["pyramid", "--manifest", manifest, "--output", directory.file("out"),
                                                       "--stitch-dims", "1x3"])
        #expect(local.status == 2)
        #expect(local.stderr.contains("site-order.csv: line \(firstThree): site 3 is outside the 1×3 stitch grid"), "\(local.stderr)")

        for arguments in [["--stitch-dims", "2by2"], ["--stitch-layout", "diagonal"]] {
            let bad = try illuminati(["experiment", "create", "bad", "--manifest", manifest] + arguments, database: database)
            #expect(bad.status != 0 && bad.stderr.contains(arguments[0]), "\(bad.stderr)")
            #expect(noStackTrace(bad))
        }
    }
}
