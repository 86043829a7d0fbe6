import Foundation
import IlluminatiCore
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

/// `experiment create` and `pyramid` report the site grid and acquisition layout that the
/// stage positions give per well (`calc_stitch_layout`), and warn when the wells disagree.
extension ExperimentCommandTests {
    /// The small plate's manifest with `site_y,site_x` replaced by stage positions (1000 µm
    /// apart, a little jitter), each well's rows in the order `layout(well)` visits its 2×2 sites.
    func stagePositionManifest(_ layout: (String) -> StitchLayout, in directory: TemporaryDirectory) throws -> String {
        let (header, rows) = try smallPlateRows()
        let dimensions = GridDimensions(rows: 2, columns: 2)
        let ordered = rows.enumerated().sorted { a, b in
            func key(_ item: (offset: Int, element: [String])) -> (String, String, Int, Int) {
                let fields = item.element
                let visit = gridCoordinates(dimensions: dimensions, layout: layout(fields[2]))
                let rank = visit.firstIndex(of: GridIndex(row: Int(fields[3])!, column: Int(fields[4])!))!
                return (fields[1], fields[2], rank, item.offset)
            }
            return key(a) < key(b)
        }.map { item -> [String] in
            let fields = item.element, jitter = Double(item.offset % 7) * 3
            return Array(fields[0...2]) + ["\(Double(fields[3])! * 1000 + jitter)", "\(Double(fields[4])! * 1000 - jitter)"]
                + Array(fields[5...])
        }
        let stageHeader = header.replacingOccurrences(of: ",site_y,site_x,", with: ",stage_y,stage_x,")
        return try write(stageHeader, ordered, to: "stage.csv", in: directory)
    }

    @Test func createAndPyramidReportTheLayoutTheStagePositionsGive() throws {
        let (database, _) = try TestDatabase.create()
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        let manifest = try stagePositionManifest({ _ in .zigzagHorizontal }, in: directory)
        let line = "stitch from stage positions: 2×2 sites, zigzag_horizontal in every well (6 wells)\n"
        let created = try illuminati(["experiment", "create", "staged", "--manifest", manifest], database: database)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.hasPrefix(line), "\(created.stdout)")
        #expect(created.stdout.components(separatedBy: "stitch from").count == 2, "printed once")
        #expect(!created.stderr.contains("warning"), "\(created.stderr)")

        let local = try Executables.run("illuminati", ["pyramid", "--manifest", manifest, "--output", directory.file("out")])
        #expect(local.status == 0, "\(local.stderr)")
        #expect(local.stdout.hasPrefix(line), "\(local.stdout)")
        #expect(local.stdout.components(separatedBy: "stitch from").count == 2, "printed once")

        // A grid manifest says nothing about stitching.
        let grid = try illuminati(["experiment", "create", "grid", "--manifest", smallPlate.manifest], database: database)
        #expect(!grid.stdout.contains("stitch"), "\(grid.stdout)")
    }

    @Test func wellsThatDisagreeAreReportedAndWarnedAbout() throws {
        let (database, db) = try TestDatabase.create()
        let directory = TemporaryDirectory.make()
        defer { directory.remove() }
        let manifest = try stagePositionManifest({ $0 == "B01" ? .horizontal : .zigzagHorizontal }, in: directory)
        let created = try illuminati(["experiment", "create", "mixed", "--manifest", manifest], database: database)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains(
            "stitch from stage positions: 2×2 sites, zigzag_horizontal in 4 wells: plate01 A01, plate01 A02, plate02 A01, plate02 A02\n"),
            "\(created.stdout)")
        #expect(created.stdout.contains("stitch from stage positions: 2×2 sites, horizontal in 2 wells: plate01 B01, plate02 B01\n"),
                "\(created.stdout)")
        #expect(created.stderr.contains(
            "the wells' stage positions give 2 different stitch grids or layouts: 2×2 sites, zigzag_horizontal in 4 wells; 2×2 sites, horizontal in 2 wells"),
            "\(created.stderr)")

        // Kept for SQL, per well; NULL for wells whose sites were not given by stage positions.
        let stored = try db.execute("""
            SELECT p.name AS plate, w.name AS well, w.stitch_layout FROM wells w JOIN plates p ON p.id = w.plate_id
            JOIN experiments e ON e.id = p.experiment_id WHERE e.name = $1 ORDER BY p.ordinal, w.name
            """, ["mixed".sqlValue], name: "layouts").rows.map {
            "\(try $0.string("plate")) \(try $0.string("well")) \(try $0.optionalString("stitch_layout") ?? "NULL")"
        }
        #expect(stored == ["plate01 A01 zigzag_horizontal", "plate01 A02 zigzag_horizontal", "plate01 B01 horizontal",
                           "plate02 A01 zigzag_horizontal", "plate02 A02 zigzag_horizontal", "plate02 B01 horizontal"])
        let grid = try illuminati(["experiment", "create", "grid", "--manifest", smallPlate.manifest], database: database)
        #expect(grid.status == 0, "\(grid.stderr)")
        let unset = try db.execute("""
            SELECT count(*) AS n FROM wells w JOIN plates p ON p.id = w.plate_id JOIN experiments e ON e.id = p.experiment_id
            WHERE e.name = 'grid' AND w.stitch_layout IS NULL
            """, name: "unset").one().int("n")
        #expect(unset == 6)
    }
}
