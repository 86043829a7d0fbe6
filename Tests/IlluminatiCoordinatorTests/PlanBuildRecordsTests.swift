import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiCore
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

/// What `init` leaves in the experiment model for SQL: the windows and crops its build uses.
@Suite(.tags(.database))
struct PlanBuildRecordsTests {
    @Test func writesEachLayersWindowAndEachSitesCropAsTheBuildUsesThem() throws {
        let fixture = try CoordinatorFixture.make(cycles: 2)
        var options = BuildOptions()
        options.align = true
        options.clip = .init(upper: .percentile(99))

        let outcome = try PlanBuild(logger: CoordinatorFixture.logger, threads: 2)
            .run(experimentName: "plate", options: options, connection: fixture.connection)

        let windows = try fixture.connection.execute("""
            SELECT name, min_intensity, max_intensity FROM channel_layers WHERE experiment_id = $1 ORDER BY name
            """, [fixture.stored.id.sqlValue], name: "windows").rows.map {
            "\(try $0.string("name")) [\(try $0.optionalInt("min_intensity") ?? -1), \(try $0.optionalInt("max_intensity") ?? -1)]"
        }
        let used = outcome.descriptor.layers.map { "\($0.spec.name) \($0.spec.window)" }.sorted()
        #expect(used.count == 4)
        #expect(windows == used)

        let experiment = fixture.stored.experiment
        func siteName(_ key: Experiment.SiteKey) -> String {
            let well = experiment.plates[key.plate].wells[key.well]
            return "\(key.plate) \(well.name) \(well.sites[key.site].y) \(well.sites[key.site].x)"
        }
        let siteOfPath = Dictionary(experiment.images.map { ($0.path, $0.site) }, uniquingKeysWith: { a, _ in a })
        var cropUsed: [String: SiteResidues] = [:]
        for layer in outcome.descriptor.layers {
            for source in layer.spec.sites { cropUsed[siteName(siteOfPath[source.path]!)] = source.residues }
        }
        let crops = try fixture.connection.execute("""
            SELECT p.ordinal, w.name, s.y, s.x, s.top_residue, s.bottom_residue, s.left_residue, s.right_residue
            FROM sites s JOIN wells w ON w.id = s.well_id JOIN plates p ON p.id = w.plate_id
            WHERE p.experiment_id = $1
            """, [fixture.stored.id.sqlValue], name: "crops").rows
        var cropStored: [String: SiteResidues] = [:]
        for row in crops {
            cropStored["\(try row.int("ordinal")) \(try row.string("name")) \(try row.int("y")) \(try row.int("x"))"] =
                SiteResidues(top: try row.int("top_residue"), bottom: try row.int("bottom_residue"),
                             left: try row.int("left_residue"), right: try row.int("right_residue"))
        }
        #expect(cropStored.count == 2)
        #expect(cropUsed.values.contains { $0 != .none }, "the sample's second cycle is shifted")
        #expect(cropStored == cropUsed)
    }
}
