import Foundation
import IlluminatiCore
import IlluminatiStorage
import IlluminatiTestSupport
import Testing

/// What jobs write through a sink, readers find through the layer's source, in the plain
/// DeepZoom layout.
@Suite("Tile sinks and sources")
struct TileSinkSourceTests {
    struct Failed: Error {}

    let root = TemporaryDirectory.make(prefix: "illuminati-storage")
    var storage: ExperimentStorage { ExperimentStorage(root: root.path, experiment: "plate") }

    private func write(_ job: String, tiles: [TileAddress: [UInt8]], intermediates: [TileAddress: [UInt8]] = [:]) throws {
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: job)
        try sink.committing {
            for (tile, bytes) in tiles { try bytes.withUnsafeBytes { try sink.writeTile(tile, jpeg: $0) } }
            for (tile, bytes) in intermediates { try bytes.withUnsafeBytes { try sink.writeIntermediate(tile, bytes: $0) } }
        }
    }

    @Test func whatAJobCommitsIsRead() throws {
        let a = TileAddress(level: 5, row: 0, column: 0), b = TileAddress(level: 5, row: 0, column: 1)
        let coarse = TileAddress(level: 4, row: 0, column: 0)
        try write("5/0_0", tiles: [a: [1, 2, 3], coarse: [4]], intermediates: [coarse: [9, 9]])
        let source = storage.pyramids.source(layer: "DAPI")
        #expect(try source.tile(a)?.bytes == [1, 2, 3])
        #expect(try source.tile(coarse)?.bytes == [4])
        #expect(try source.tile(b) == nil, "a tile not written is black")
        #expect(source.containsTile(a) && !source.containsTile(b))
        #expect(try source.intermediate(coarse)?.bytes == [9, 9])
        #expect(try source.intermediate(a) == nil)
        #expect(source.intermediateLocation(coarse) == storage.path(LayerLayout("DAPI").intermediate(coarse)))
        // The plain DeepZoom layout: each tile is a file at its path.
        #expect(FileManager.default.contents(atPath: storage.path(LayerLayout("DAPI").tile(a))) == Data([1, 2, 3]))
        #expect(storage.pyramids.source(layer: "GFP").containsTile(a) == false)
    }

    @Test func aRewrittenTileHasANewVersion() throws {
        let tile = TileAddress(level: 2, row: 1, column: 0)
        try write("2/0_0", tiles: [tile: [1]])
        let source = storage.pyramids.source(layer: "DAPI")
        let first = try #require(try source.tile(tile))
        #expect(try source.tile(tile)?.version == first.version, "the same file keeps its version")
        try write("2/0_0", tiles: [tile: [1, 2]])
        let second = try #require(try source.tile(tile))
        #expect(second.bytes == [1, 2] && second.version != first.version)
    }

    @Test func aFailingJobIsAbandonedAndItsErrorKept() throws {
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: "0/0_0")
        #expect(throws: Failed.self) { try sink.committing { throw Failed() } }
    }

    @Test func aFinishPublishesTheLayerAndDropsItsIntermediates() throws {
        let tile = TileAddress(level: 1, row: 0, column: 0)
        try write("1/0_0", tiles: [tile: [1]], intermediates: [tile: [2]])
        let source = storage.pyramids.source(layer: "DAPI")
        for document in LayerDocument.allCases { #expect(try source.document(document) == nil) }

        let documents = LayerDocuments(deepZoom: Array("<Image/>".utf8), blankTile: [0xFF, 0xD9], descriptor: Array("{}\n".utf8))
        try storage.pyramids.finishLayer("DAPI", documents: documents, keepingIntermediates: false)
        #expect(try source.document(.deepZoom)?.bytes == documents.deepZoom)
        #expect(try source.document(.blankTile)?.bytes == documents.blankTile)
        #expect(try source.document(.descriptor)?.bytes == documents.descriptor)
        #expect(try source.intermediate(tile) == nil)
        #expect(!FileManager.default.fileExists(atPath: storage.path(LayerLayout("DAPI").intermediatesFolder)))
        #expect(try source.tile(tile)?.bytes == [1])

        try storage.pyramids.removeLayer("DAPI")
        #expect(try source.tile(tile) == nil)
        for document in LayerDocument.allCases { #expect(try source.document(document) == nil) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: storage.directory).isEmpty)
    }

    @Test func anExperimentsFolderAndStatisticsAreRemoved() throws {
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
