import Foundation
import IlluminatiCore
import IlluminatiStorage
import IlluminatiTestSupport
import Testing

/// What jobs write through a sink, readers find through the layer's source, in either format.
@Suite("Tile sinks and sources")
struct TileSinkSourceTests {
    struct Failed: Error {}

    let root = TemporaryDirectory.make(prefix: "illuminati-storage")

    func storage(_ format: PyramidFormat) -> ExperimentStorage {
        ExperimentStorage(root: root.path, experiment: "plate", pyramidFormat: format)
    }

    private func write(_ storage: ExperimentStorage, _ job: String, tiles: [(TileAddress, [UInt8])],
                       intermediates: [(TileAddress, [UInt8])] = []) throws {
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: job)
        try sink.committing {
            for (tile, bytes) in tiles { try bytes.withUnsafeBytes { try sink.writeTile(tile, jpeg: $0) } }
            for (tile, bytes) in intermediates { try bytes.withUnsafeBytes { try sink.writeIntermediate(tile, bytes: $0) } }
        }
    }

    @Test(arguments: PyramidFormat.allCases)
    func whatAJobCommitsIsRead(_ format: PyramidFormat) throws {
        let storage = storage(format)
        let a = TileAddress(level: 5, row: 0, column: 0), b = TileAddress(level: 5, row: 0, column: 1)
        let coarse = TileAddress(level: 4, row: 0, column: 0)
        try write(storage, "5/0_0", tiles: [(a, [1, 2, 3]), (coarse, [4])], intermediates: [(coarse, [9, 9])])
        try write(storage, "5/2_0", tiles: [(TileAddress(level: 5, row: 0, column: 2), [5])])
        let source = storage.pyramids.source(layer: "DAPI")
        #expect(try source.tile(a)?.bytes == [1, 2, 3])
        #expect(try source.tile(coarse)?.bytes == [4])
        #expect(try source.tile(TileAddress(level: 5, row: 0, column: 2))?.bytes == [5], "a tile of another job's shard")
        #expect(try source.tile(b) == nil, "a tile not written is black")
        #expect(source.containsTile(a) && !source.containsTile(b))
        #expect(try source.intermediate(coarse)?.bytes == [9, 9])
        #expect(try source.intermediate(a) == nil)
        #expect(source.intermediateLocation(coarse) == storage.path(LayerLayout("DAPI").intermediate(coarse)))
        #expect(storage.pyramids.source(layer: "GFP").containsTile(a) == false)
        switch format {
        case .dzi:
            // The plain DeepZoom layout: each tile is a file at its path.
            #expect(FileManager.default.contents(atPath: storage.path(LayerLayout("DAPI").tile(a))) == Data([1, 2, 3]))
        case .shards:
            #expect(try FileManager.default.contentsOfDirectory(atPath: storage.path("DAPI_shards")).sorted()
                    == ["5-0_0.zip", "5-2_0.zip"])
        }
    }

    @Test(arguments: PyramidFormat.allCases)
    func aRewrittenTileHasANewVersion(_ format: PyramidFormat) throws {
        let storage = storage(format)
        let tile = TileAddress(level: 2, row: 1, column: 0)
        try write(storage, "2/0_0", tiles: [(tile, [1])])
        let source = storage.pyramids.source(layer: "DAPI")
        let first = try #require(try source.tile(tile))
        #expect(try source.tile(tile)?.version == first.version, "the same file keeps its version")
        try write(storage, "2/0_0", tiles: [(tile, [1, 2])])
        // A shard source keeps the index it made (the server takes a new source when the
        // layer's descriptor changes); a new one reads the new shard.
        let second = try #require(try storage.pyramids.source(layer: "DAPI").tile(tile))
        #expect(second.bytes == [1, 2] && second.version != first.version)
    }

    @Test(arguments: PyramidFormat.allCases)
    func aFailingJobIsAbandonedAndItsErrorKept(_ format: PyramidFormat) throws {
        let sink = try storage(format).pyramids.openSink(layer: "DAPI", job: "0/0_0")
        #expect(throws: Failed.self) {
            try sink.committing {
                try [UInt8]([1]).withUnsafeBytes { try sink.writeTile(TileAddress(level: 0, row: 0, column: 0), jpeg: $0) }
                throw Failed()
            }
        }
        if format == .shards {
            // A DeepZoom tile is published as it is written; a shard only by its job's commit.
            #expect(try storage(format).pyramids.source(layer: "DAPI").tile(TileAddress(level: 0, row: 0, column: 0)) == nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: storage(format).path("DAPI_shards")).isEmpty)
        }
    }

    @Test(arguments: PyramidFormat.allCases)
    func aFinishPublishesTheLayerAndDropsItsIntermediates(_ format: PyramidFormat) throws {
        let storage = storage(format)
        let tile = TileAddress(level: 1, row: 0, column: 0)
        try write(storage, "1/0_0", tiles: [(tile, [1])], intermediates: [(tile, [2])])
        let source = storage.pyramids.source(layer: "DAPI")
        for document in LayerDocument.allCases { #expect(try source.document(document) == nil) }

        let documents = LayerDocuments(deepZoom: Array("<Image/>".utf8), blankTile: [0xFF, 0xD9], descriptor: Array("{}\n".utf8))
        try storage.pyramids.finishLayer("DAPI", documents: documents, keepingIntermediates: false)
        #expect(try source.document(.deepZoom)?.bytes == documents.deepZoom)
        #expect(try source.document(.blankTile)?.bytes == documents.blankTile)
        #expect(try source.document(.descriptor)?.bytes == documents.descriptor)
        #expect(FileManager.default.fileExists(atPath: storage.path(LayerLayout("DAPI").blankTile(format))))
        #expect(try source.intermediate(tile) == nil)
        #expect(!FileManager.default.fileExists(atPath: storage.path(LayerLayout("DAPI").intermediatesFolder)))
        #expect(try source.tile(tile)?.bytes == [1])

        try storage.pyramids.removeLayer("DAPI")
        #expect(try storage.pyramids.source(layer: "DAPI").tile(tile) == nil)
        for document in LayerDocument.allCases { #expect(try source.document(document) == nil) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: storage.directory).isEmpty)
    }

    @Test func removingALayerRemovesItInEveryFormat() throws {
        let tile = TileAddress(level: 0, row: 0, column: 0)
        for format in PyramidFormat.allCases { try write(storage(format), "0/0_0", tiles: [(tile, [1])]) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: storage(.shards).directory).sorted() == ["DAPI_files", "DAPI_shards"])
        try storage(.shards).pyramids.removeLayer("DAPI")
        #expect(try FileManager.default.contentsOfDirectory(atPath: storage(.shards).directory).isEmpty)
    }

    @Test func anExperimentsFolderAndStatisticsAreRemoved() throws {
        let storage = storage(.shards)
        #expect(try storage.remove() == false)
        try storage.writeAtomically(ExperimentLayout.partialStatistics(channel: "DAPI", part: 0)) { _ in }
        try storage.writeAtomically(ExperimentLayout.statistics(channel: "DAPI")) { _ in }
        try storage.writeAtomically(ExperimentLayout.statistics(channel: "GFP")) { _ in }
        try storage.removeStatistics(channel: "DAPI")
        #expect(try FileManager.default.contentsOfDirectory(atPath: storage.path(ExperimentLayout.statisticsFolder)).sorted()
                == ["GFP.illumstats", "partial"])
        #expect(try storage.remove() == true)
        #expect(!FileManager.default.fileExists(atPath: storage.directory))
    }
}
