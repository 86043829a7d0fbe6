import Foundation
import IlluminatiCore
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiStorage
import IlluminatiTestSupport
import Testing

/// The server reads tiles out of shards: every route answers the bytes a plain DeepZoom build
/// of the same layer holds, file for file, and a rebuilt layer is served from its new shards
/// once its descriptor has changed.
@Suite(.tags(.database)) struct ShardServingTests {
    /// The fixture's pyramids again, as a DeepZoom folder: each tile a file read by its path.
    private func deepZoomReference(_ f: ServerFixture) throws -> TemporaryDirectory {
        let reference = TemporaryDirectory.make(prefix: "illuminati-dzi-reference")
        try ServerFixture.build(f.experiment, layout: f.layout, into: reference.path, format: .dzi)
        return reference
    }

    private func file(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    @Test func everyRouteAnswersTheBytesOfAPlainDeepZoomBuild() async throws {
        let f = try await fixture()
        let reference = try deepZoomReference(f)
        #expect(FileManager.default.fileExists(atPath: f.files.path(LayerLayout(f.layers[0]).shardsFolder)))
        for layer in f.layers {
            let descriptor = try f.descriptor(layer)
            let blank = try #require(file(reference.file("\(layer)_files/blank.jpg")))
            let layerID = try #require(f.layerIDs[layer])
            var written = 0
            for level in descriptor.geometry.levels {
                for row in 0..<level.rows { for column in 0..<level.columns {
                    let expected = file(reference.file("\(layer)_files/\(level.level)/\(column)_\(row).jpg"))
                    if expected != nil { written += 1 }
                    let deepZoom = try await f.get("/dzi/\(f.experimentID)/\(layer)_files/\(level.level)/\(column)_\(row).jpg")
                    let blankOfItsSize = try f.blankTile(layer, level: level.level, column: column, row: row)
                    #expect(deepZoom.status == 200 && deepZoom.body == expected ?? blankOfItsSize, "\(layer) \(level.level)/\(column)_\(row)")
                    if let z = level.tissueMAPSZ {
                        let tissueMAPS = try await f.get("/api/experiments/\(f.experimentID)/channel_layers/\(layerID)/tiles?x=\(column)&y=\(row)&z=\(z)")
                        #expect(tissueMAPS.body == expected ?? blank)
                    }
                } }
            }
            #expect(written > 4)
            let top = try #require(descriptor.geometry.levels.last)
            let size = descriptor.geometry.tileSize
            let iiif = try await f.get("/iiif/\(f.experimentID)/\(layer)/0,0,\(size),\(size)/\(size),\(size)/0/default.jpg")
            #expect(iiif.status == 200 && iiif.body == file(reference.file("\(layer)_files/\(top.level)/0_0.jpg")) ?? blank)
            let xyz = try await f.get("/xyz/\(f.experimentID)/\(layer)/0/0/0.jpg")
            #expect(xyz.status == 200 && xyz.headers["content-type"] == "image/jpeg")
        }
    }

    @Test func aRebuiltLayerIsServedFromItsNewShards() async throws {
        let f = try await fixture()
        let root = TemporaryDirectory.make(prefix: "illuminati-rebuilt")
        let storage = ExperimentStorage(root: root.path, experiment: f.experimentName)
        try ServerFixture.build(f.experiment, layout: f.layout, into: storage.directory) {
            $0.clip = ClipRequest(upper: .value(3000), lower: 100)
        }
        // Lifetime 0: every request finds the catalog expired and has it read again.
        let s = try await PrivateServer.start(f, catalogLifetime: 0, storageRoot: root.path)
        let layer = f.layers[0]
        // Level 0, the whole plate in one tile: never black.
        let path = "/dzi/\(s.experimentID)/\(layer)_files/0/0_0.jpg"
        let tile = TileAddress(level: 0, row: 0, column: 0)
        let before = try #require(try storage.pyramids.source(layer: layer).tile(tile)?.bytes)
        #expect(try await s.get(path).body == before)

        try ServerFixture.build(f.experiment, layout: f.layout, into: storage.directory) {
            $0.clip = ClipRequest(upper: .value(1000), lower: 100)
        }
        let after = try #require(try storage.pyramids.source(layer: layer).tile(tile)?.bytes)
        #expect(after != before, "a narrower window makes brighter tiles")
        let deadline = ContinuousClock.now + .seconds(30)
        var served = try await s.get(path).body
        while served != after && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            served = try await s.get(path).body
        }
        let servesTheNewTile = served == after
        #expect(servesTheNewTile, "the new descriptor brings a new index of the new shards (served \(served.count) bytes)")
        await s.stop()
    }
}
