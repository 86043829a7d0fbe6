import Foundation
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database)) struct MapObjectStoreTests {
    func stored(_ db: DatabaseConnection, name: String = "map-objects") throws -> (Int64, PlateLayout) {
        let experiment = sampleExperiment(name: name)
        let layout = try PlateLayout(experiment.layoutSpec)
        let id = try ExperimentStore(db).create(experiment, layout: layout)
        return (id, layout)
    }

    @Test func collectingTwiceLeavesOneSet() throws {
        let (_, db) = try TestDatabase.create()
        let (id, layout) = try stored(db)
        let store = MapObjectStore(db)
        try store.replace(experimentID: id, outlines: layout.mapObjectOutlines())
        try store.replace(experimentID: id, outlines: layout.mapObjectOutlines())
        #expect(try store.counts(experimentID: id) == ["Plates": 2, "Wells": 3, "Sites": 5])
    }

    @Test func viewportQueryReturnsTheIntersectingOutlinesAsGeoJSON() throws {
        let (_, db) = try TestDatabase.create()
        let (id, layout) = try stored(db)
        let store = MapObjectStore(db)
        try store.replace(experimentID: id, outlines: layout.mapObjectOutlines())
        // The first site of the first plate: rows 0…299, columns 0…399; a box inside it.
        let json = try store.geoJSON(experimentID: id, type: "Sites", minX: 10, minY: -20, maxX: 20, maxY: -10)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let features = try #require(document["features"] as? [[String: Any]])
        #expect(features.count == 1)
        let properties = try #require(features.first?["properties"] as? [String: Any])
        #expect(properties["name"] as? String == "plate'); DROP TABLE plates; --/A01/0,0")
        let geometry = try #require(features.first?["geometry"] as? [String: Any])
        #expect(geometry["type"] as? String == "Polygon")
        let empty = try store.geoJSON(experimentID: id, type: "Sites", minX: -500, minY: 100, maxX: -400, maxY: 200)
        #expect(empty.contains("\"features\" : []") || empty.contains("\"features\":[]"))
    }

    @Test func viewportQueryUsesTheSpatialIndex() throws {
        let (_, db) = try TestDatabase.create()
        let (id, _) = try stored(db)
        let store = MapObjectStore(db)
        // Many small squares, so that a scan would be the expensive plan.
        let outlines = (0..<4000).map { k in
            MapObjectOutline(type: .sites, name: "s\(k)", plate: "p", well: "A01", site: .init(y: k / 64, x: k % 64),
                             offset: PixelOffset(y: (k / 64) * 100, x: (k % 64) * 100), size: PixelSize(height: 100, width: 100))
        }
        try store.replace(experimentID: id, outlines: outlines)
        _ = try db.execute("ANALYZE mapobjects", name: "ANALYZE")
        let plan = try db.execute(
            "EXPLAIN SELECT id FROM mapobjects WHERE outline && ST_MakeEnvelope($1, $2, $3, $4, 0)",
            [SQLValue(text: "150"), SQLValue(text: "-250"), SQLValue(text: "260"), SQLValue(text: "-140")], name: "EXPLAIN")
        let text = try plan.rows.map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
        #expect(text.contains("mapobjects_outline"), "plan: \(text)")
    }

    @Test func onlyThisStepsTypesAreDeleted() throws {
        let (_, db) = try TestDatabase.create()
        let (id, layout) = try stored(db)
        let store = MapObjectStore(db)
        _ = try db.execute("INSERT INTO mapobject_types (experiment_id, name, created_by) VALUES ($1, 'Nuclei', 'jterator')",
                           [SQLValue(text: String(id))], name: "insert foreign type")
        try store.replace(experimentID: id, outlines: layout.mapObjectOutlines())
        #expect(try store.deleteOwned(experimentID: id) == 3)
        #expect(try store.counts(experimentID: id) == ["Nuclei": 0])
    }

    @Test func aTypeOfAnotherStepIsNotReplaced() throws {
        let (_, db) = try TestDatabase.create()
        let (id, layout) = try stored(db)
        _ = try db.execute("INSERT INTO mapobject_types (experiment_id, name, created_by) VALUES ($1, 'Wells', 'jterator')",
                           [SQLValue(text: String(id))], name: "insert foreign type")
        #expect(throws: MapObjectStoreError.typeOwnedByAnotherStep(type: "Wells", owner: "jterator")) {
            try MapObjectStore(db).replace(experimentID: id, outlines: layout.mapObjectOutlines())
        }
    }
}
