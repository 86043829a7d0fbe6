import Foundation
import IlluminatiCore
@testable import IlluminatiStorage
import IlluminatiTestSupport
import Testing

/// A job's shard is a stored ZIP, byte for byte as the format says, and the index reads the
/// tiles back from where its central directory says they are.
@Suite("Tile shards: the ZIP format")
struct ShardFormatTests {
    let root = TemporaryDirectory.make(prefix: "illuminati-shards")
    var storage: ExperimentStorage { ExperimentStorage(root: root.path, experiment: "plate") }

    @Test func crc32OfKnownInputs() {
        func crc(_ text: String) -> UInt32 { Array(text.utf8).withUnsafeBytes { CRC32.checksum($0) } }
        #expect(crc("") == 0)
        #expect(crc("123456789") == 0xCBF4_3926)
        #expect(crc("The quick brown fox jumps over the lazy dog") == 0x414F_A339)
        let split = Array("12345".utf8).withUnsafeBytes { first in
            Array("6789".utf8).withUnsafeBytes { CRC32.checksum($0, continuing: CRC32.checksum(first)) }
        }
        #expect(split == 0xCBF4_3926, "a checksum continues over several buffers")
    }

    @Test func aOneTileShardByteForByte() throws {
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: "0/0_0")
        try [UInt8]([1, 2, 3]).withUnsafeBytes { try sink.writeTile(TileAddress(level: 0, row: 0, column: 0), jpeg: $0) }
        try sink.commit()
        let name = Array("0/0_0.jpg".utf8)
        let crc: [UInt8] = [0x1D, 0x80, 0xBC, 0x55]  // CRC-32 of 01 02 03
        let local: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 10, 0, 0, 0, 0, 0, 0, 0, 0x21, 0] + crc
            + [3, 0, 0, 0, 3, 0, 0, 0, 9, 0, 0, 0] + name + [1, 2, 3]
        let central: [UInt8] = [0x50, 0x4B, 0x01, 0x02, 0x14, 0x03, 10, 0, 0, 0, 0, 0, 0, 0, 0x21, 0] + crc
            + [3, 0, 0, 0, 3, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0xA4, 0x81, 0, 0, 0, 0] + name
        let end: [UInt8] = [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0, 55, 0, 0, 0, 42, 0, 0, 0, 0, 0]
        #expect(local.count == 42 && central.count == 55)
        let written = try #require(FileManager.default.contents(atPath: storage.path("DAPI_shards/0-0_0.zip")))
        #expect([UInt8](written) == local + central + end)
    }

    @Test func theDirectoryIsReadBack() throws {
        let tiles = (0..<40).map { i in (TileAddress(level: 6, row: i / 8, column: i % 8), [UInt8](repeating: UInt8(i), count: 100 + 37 * i)) }
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: "6/0_0")
        for (tile, bytes) in tiles { try bytes.withUnsafeBytes { try sink.writeTile(tile, jpeg: $0) } }
        try sink.commit()
        let (_, entries) = try ShardIndex.directory(storage.path("DAPI_shards/6-0_0.zip"))
        #expect(entries.map(\.name) == tiles.map { LayerLayout.shardEntry($0.0) }, "in the order written")
        #expect(entries.map(\.size) == tiles.map(\.1.count))
        let index = try ShardIndex(folder: storage.path("DAPI_shards"))
        #expect(index.tileCount == 40)
        for (tile, bytes) in tiles { #expect(try index.read(tile)?.bytes == bytes) }
    }

    @Test func aShardHoldsAsManyTilesAsAZipWithoutZip64() throws {
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: "job")
        try [UInt8]([7]).withUnsafeBytes { byte in
            for i in 0..<ZipFormat.maximumEntries { try sink.writeTile(TileAddress(level: 16, row: i / 256, column: i % 256), jpeg: byte) }
            do {
                try sink.writeTile(TileAddress(level: 16, row: 999, column: 0), jpeg: byte)
                Issue.record("a 65535th entry was written")
            } catch let error as StorageError {
                #expect(error.reason.contains("65534 tiles") && error.reason.contains("batch size"), "\(error.reason)")
            }
        }
        try sink.commit()
        let index = try ShardIndex(folder: storage.path("DAPI_shards"))
        #expect(index.tileCount == ZipFormat.maximumEntries)
        #expect(try index.read(TileAddress(level: 16, row: 255, column: 253))?.bytes == [7])
    }

    @Test func aTileWrittenTwiceIsRefused() throws {
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: "job")
        let tile = TileAddress(level: 1, row: 0, column: 0)
        try [UInt8]([1]).withUnsafeBytes { try sink.writeTile(tile, jpeg: $0) }
        #expect(throws: StorageError.self) { try [UInt8]([2]).withUnsafeBytes { try sink.writeTile(tile, jpeg: $0) } }
        sink.abandon()
    }

    @Test func aDamagedShardIsAnErrorThatNamesItAndLeavesTheOthers() throws {
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: "7/2_0")
        let other = TileAddress(level: 7, row: 0, column: 2)
        try sink.committing { try [UInt8]([8]).withUnsafeBytes { try sink.writeTile(other, jpeg: $0) } }
        try storage.writeAtomically("DAPI_shards/7-0_0.zip") { file in #expect(write(file, "not a zip at all, just text", 27) == 27) }
        let source = storage.pyramids.source(layer: "DAPI")
        do {
            _ = try source.tile(TileAddress(level: 7, row: 0, column: 0))
            Issue.record("a damaged shard was read")
        } catch let error as StorageError {
            #expect(error.path.hasSuffix("DAPI_shards/7-0_0.zip") && error.reason.contains("not a tile shard"), "\(error)")
        }
        #expect(try source.tile(other)?.bytes == [8])
    }

    @Test func aShardReplacedAfterItWasIndexedIsNotReadAtItsOldPlaces() throws {
        let a = TileAddress(level: 2, row: 0, column: 0), b = TileAddress(level: 2, row: 0, column: 1)
        func job(_ tiles: [(TileAddress, [UInt8])]) throws {
            let sink = try storage.pyramids.openSink(layer: "DAPI", job: "2/0_0")
            try sink.committing { for (tile, bytes) in tiles { try bytes.withUnsafeBytes { try sink.writeTile(tile, jpeg: $0) } } }
        }
        try job([(a, [1, 1, 1]), (b, [2, 2])])
        let indexed = storage.pyramids.source(layer: "DAPI")
        #expect(try indexed.tile(b)?.bytes == [2, 2])
        try job([(b, [3, 3, 3, 3]), (a, [4])])
        #expect(throws: StorageError.self, "the old index would point into the middle of another entry") { _ = try indexed.tile(b) }
        #expect(try storage.pyramids.source(layer: "DAPI").tile(b)?.bytes == [3, 3, 3, 3])
    }
}
