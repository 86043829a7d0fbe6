import Foundation
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

/// A two-plate experiment with tricky names, stage positions, shifts and several layers.
func sampleExperiment(name: String = "store-test") -> Experiment {
    let a01 = WellName("A01")!, b03 = WellName("B03")!
    let plates = [
        Experiment.Plate(name: "plate'); DROP TABLE plates; --", wells: [
            Experiment.Well(name: a01, sites: [Experiment.Site(y: 0, x: 0, stage: StagePosition(y: 1.5, x: -2)),
                                               Experiment.Site(y: 0, x: 1, stage: StagePosition(y: 1.5, x: 331))]),
            Experiment.Well(name: b03, sites: [Experiment.Site(y: 0, x: 0), Experiment.Site(y: 1, x: 0)]),
        ]),
        Experiment.Plate(name: "second \"plate\"", wells: [Experiment.Well(name: a01, sites: [Experiment.Site(y: 0, x: 0)])]),
    ]
    var images: [Experiment.ImageFile] = []
    var line = 2
    for (p, plate) in plates.enumerated() {
        for (w, well) in plate.wells.enumerated() {
            for s in well.sites.indices {
                for channel in 0..<2 {
                    for cycle in [0, 3] {
                        images.append(Experiment.ImageFile(site: .init(plate: p, well: w, site: s), channel: channel, cycle: cycle,
                                                           tpoint: 0, zplane: 0, path: "/data/img\(line).tif", line: line))
                        line += 1
                    }
                }
            }
        }
    }
    return Experiment(
        name: name, plateFormat: .wells96, siteSize: PixelSize(height: 300, width: 400), bitDepth: 12,
        plates: plates, channels: [.init(name: "DAPI", bitDepth: 12), .init(name: "GFP", bitDepth: 12)], cycles: [0, 3],
        images: images,
        shifts: [Experiment.SiteShift(site: .init(plate: 0, well: 0, site: 1), cycle: 3, shift: PixelOffset(y: -2, x: 5))],
        manifestPath: "/data/manifest.csv")
}

@Suite(.tags(.database)) struct ExperimentStoreTests {
    @Test func createThenLoadGivesTheSameExperiment() throws {
        let (_, db) = try TestDatabase.create()
        let experiment = sampleExperiment()
        let layout = try PlateLayout(experiment.layoutSpec)
        let store = ExperimentStore(db)
        try store.create(experiment, layout: layout)
        let stored = try store.load(experiment.name)
        #expect(stored.experiment == experiment)
        #expect(stored.pyramidSize == layout.size)
        #expect(stored.pyramidDepth == layout.pyramid.depth)
        #expect(stored.layers.map(\.layer) == experiment.layers)
        #expect(stored.layers.map(\.layer.name) == ["DAPI_c0", "DAPI_c3", "GFP_c0", "GFP_c3"])
    }

    /// Issue 13 item 4: `json.dump` puts every record on line 1; the images still load in
    /// manifest order.
    @Test func imagesSharingOneManifestLineLoadInManifestOrder() throws {
        let (_, db) = try TestDatabase.create()
        var experiment = sampleExperiment(name: "one-line")
        experiment.images = experiment.images.reversed().map { image in
            var image = image
            image.line = 1
            return image
        }
        let store = ExperimentStore(db)
        try store.create(experiment, layout: try PlateLayout(experiment.layoutSpec))
        #expect(try store.load(experiment.name).experiment.images == experiment.images)
    }

    @Test func listCountsTheModel() throws {
        let (_, db) = try TestDatabase.create()
        let store = ExperimentStore(db)
        let experiment = sampleExperiment()
        try store.create(experiment, layout: try PlateLayout(experiment.layoutSpec))
        let summaries = try store.list()
        #expect(summaries.count == 1)
        #expect(summaries[0].plates == 2 && summaries[0].wells == 3 && summaries[0].sites == 5)
        #expect(summaries[0].channels == 2 && summaries[0].images == experiment.images.count)
    }

    @Test func aSecondExperimentWithTheSameNameIsRefusedAndNothingIsWritten() throws {
        let (_, db) = try TestDatabase.create()
        let store = ExperimentStore(db)
        let experiment = sampleExperiment()
        let layout = try PlateLayout(experiment.layoutSpec)
        try store.create(experiment, layout: layout)
        let before = try db.execute("SELECT count(*) AS n FROM image_files", name: "count").one().int("n")
        #expect(throws: ExperimentStoreError.alreadyExists(experiment.name)) { try store.create(experiment, layout: layout) }
        let after = try db.execute("SELECT count(*) AS n FROM image_files", name: "count").one().int("n")
        #expect(before == after)
    }

    @Test func deleteRemovesTheWholeModelAndOnlyThatExperiment() throws {
        let (_, db) = try TestDatabase.create()
        let store = ExperimentStore(db)
        let tables = ["plates", "wells", "sites", "channels", "cycles", "image_files", "site_shifts", "channel_layers"]
        func counts() throws -> [Int] {
            try tables.map { try db.execute("SELECT count(*) AS n FROM \($0)", name: $0).one().int("n") }
        }
        let keep = sampleExperiment(name: "keep")
        try store.create(keep, layout: try PlateLayout(keep.layoutSpec))
        let withOne = try counts()
        let drop = sampleExperiment(name: "drop")
        try store.create(drop, layout: try PlateLayout(drop.layoutSpec))
        #expect(try counts() == withOne.map { $0 * 2 })
        #expect(try store.delete("drop"))
        #expect(try !store.delete("drop"))
        #expect(throws: ExperimentStoreError.notFound("drop")) { try store.load("drop") }
        #expect(try counts() == withOne)
        #expect(withOne.allSatisfy { $0 > 0 })
        #expect(try store.load("keep").experiment == keep)
    }

    @Test func schemaRejectsRowsThatBreakItsInvariants() throws {
        let (_, db) = try TestDatabase.create()
        let experiment = sampleExperiment()
        let id = try ExperimentStore(db).create(experiment, layout: try PlateLayout(experiment.layoutSpec))
        let plate = try db.execute("SELECT id FROM plates WHERE experiment_id = $1 ORDER BY ordinal LIMIT 1", [id.sqlValue], name: "plate").one().int64("id")
        // A well whose row/column disagree with its name, and a bad well name.
        for (name, row, column) in [("A01", 1, 0), ("Z99", 25, 98), ("A1", 0, 0)] {
            #expect(throws: DatabaseError.self) {
                try db.execute("INSERT INTO wells (plate_id, name, row, col) VALUES ($1, $2, $3, $4)",
                               [plate.sqlValue, name.sqlValue, row.sqlValue, column.sqlValue], name: "bad well")
            }
        }
        // A stage position with only one coordinate.
        let well = try db.execute("SELECT id FROM wells WHERE plate_id = $1 LIMIT 1", [plate.sqlValue], name: "well").one().int64("id")
        #expect(throws: DatabaseError.self) {
            try db.execute("INSERT INTO sites (well_id, y, x, stage_y) VALUES ($1, 9, 9, 1.0)", [well.sqlValue], name: "half stage")
        }
        // Clip values are set together and ordered.
        #expect(throws: DatabaseError.self) {
            try db.execute("UPDATE channel_layers SET min_intensity = 5 WHERE experiment_id = $1", [id.sqlValue], name: "half clip")
        }
        #expect(throws: DatabaseError.self) {
            try db.execute("UPDATE channel_layers SET min_intensity = 5, max_intensity = 5 WHERE experiment_id = $1", [id.sqlValue], name: "empty clip")
        }
    }
}
