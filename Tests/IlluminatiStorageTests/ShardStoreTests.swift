import Foundation
import IlluminatiCore
import IlluminatiStorage
import IlluminatiTestSupport
import Testing

/// A job's shard appears whole, with one rename, or not at all; a job that runs again
/// replaces it whole; a job with only black tiles leaves none.
@Suite("Tile shards: atomic and idempotent jobs")
struct ShardStoreTests {
    let root = TemporaryDirectory.make(prefix: "illuminati-shards")
    var storage: ExperimentStorage { ExperimentStorage(root: root.path, experiment: "plate") }
    var shards: String { storage.path(LayerLayout("DAPI").shardsFolder) }

    private func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: shards)) ?? []).sorted()
    }

    private func write(_ job: String, _ tiles: [(TileAddress, [UInt8])]) throws {
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: job)
        try sink.committing { for (tile, bytes) in tiles { try bytes.withUnsafeBytes { try sink.writeTile(tile, jpeg: $0) } } }
    }

    @Test func aShardIsSeenOnlyOnceItsJobCommits() throws {
        let tile = TileAddress(level: 3, row: 0, column: 0)
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: "3/0_0")
        try [UInt8]([5, 6]).withUnsafeBytes { try sink.writeTile(tile, jpeg: $0) }
        // What a job killed now leaves: nothing where the filesystem makes nameless files, else a
        // hidden temporary, which no reader indexes.
        if NamelessFiles.supported(in: shards) {
            #expect(names().isEmpty)
        } else {
            #expect(names().count == 1 && AtomicFile.isTemporary(names()[0]))
        }
        #expect(try storage.pyramids.source(layer: "DAPI").tile(tile) == nil)
        try sink.commit()
        #expect(names() == ["3-0_0.zip"])
        #expect(try storage.pyramids.source(layer: "DAPI").tile(tile)?.bytes == [5, 6])
    }

    @Test func anAbandonedJobLeavesNothing() throws {
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: "3/0_0")
        try [UInt8]([5, 6]).withUnsafeBytes { try sink.writeTile(TileAddress(level: 3, row: 0, column: 0), jpeg: $0) }
        try [UInt8]([1]).withUnsafeBytes { try sink.writeIntermediate(TileAddress(level: 2, row: 0, column: 0), bytes: $0) }
        sink.abandon()
        #expect(names().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: storage.path(LayerLayout("DAPI").intermediatesFolder)))
    }

    @Test func aJobRunAgainReplacesItsShardWhole() throws {
        let a = TileAddress(level: 3, row: 0, column: 0), b = TileAddress(level: 3, row: 0, column: 1)
        try write("3/0_0", [(a, [1]), (b, [2])])
        try write("3/0_0", [(a, [3, 3])])
        let source = storage.pyramids.source(layer: "DAPI")
        #expect(try source.tile(a)?.bytes == [3, 3])
        #expect(try source.tile(b) == nil, "nothing of the first run is left")
        #expect(names() == ["3-0_0.zip"])
    }

    @Test func aJobWithOnlyBlackTilesLeavesNoShard() throws {
        try write("3/0_0", [])
        #expect(names().isEmpty)
        try write("3/0_0", [(TileAddress(level: 3, row: 0, column: 0), [1])])
        try write("3/0_0", [])
        #expect(names().isEmpty, "an earlier attempt's shard goes")
    }

    @Test func aJobsNameMustBeAFilesName() throws {
        for job in ["", "../x", ".hidden", "a b"] {
            #expect(throws: StorageError.self, "\(job)") { _ = try storage.pyramids.openSink(layer: "DAPI", job: job) }
        }
    }

    @Test func shardsOfTheSameTilesAreTheSameBytes() throws {
        let tiles = (0..<5).map { (TileAddress(level: 4, row: 0, column: $0), [UInt8](repeating: UInt8($0), count: 10)) }
        try write("4/0_0", tiles)
        let first = FileManager.default.contents(atPath: shards + "/4-0_0.zip")
        try write("4/0_0", tiles)
        #expect(first != nil && FileManager.default.contents(atPath: shards + "/4-0_0.zip") == first,
                "no time stamps: a rebuild writes the same shards")
    }
}
