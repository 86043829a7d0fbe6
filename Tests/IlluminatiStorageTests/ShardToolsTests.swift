import Foundation
import IlluminatiCore
import IlluminatiStorage
import IlluminatiTestSupport
import Testing

/// Shards are ZIP files that common tools read (`unzip`, Python's `zipfile`), and the index
/// reads a stored ZIP that Python wrote.
@Suite("Tile shards: read by unzip and Python", .tags(.process))
struct ShardToolsTests {
    let root = TemporaryDirectory.make(prefix: "illuminati-shards")
    var storage: ExperimentStorage { ExperimentStorage(root: root.path, experiment: "plate") }

    private let tiles: [(TileAddress, [UInt8])] = [
        (TileAddress(level: 9, row: 0, column: 0), Array(0..<200).map { UInt8($0) }),
        (TileAddress(level: 9, row: 0, column: 1), [0xFF, 0xD8, 0xFF, 0xD9]),
        (TileAddress(level: 8, row: 0, column: 0), Array(repeating: 42, count: 3000)),
    ]

    private func writeShard() throws -> String {
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: "9/0_0")
        try sink.committing { for (tile, bytes) in tiles { try bytes.withUnsafeBytes { try sink.writeTile(tile, jpeg: $0) } } }
        return storage.path("DAPI_shards/9-0_0.zip")
    }

    @Test func unzipListsAndTestsAShard() throws {
        let shard = try writeShard()
        let listing = try Executables.runTool("unzip", ["-l", shard])
        #expect(listing.status == 0, "\(listing.stderr)")
        for (tile, bytes) in tiles {
            #expect(listing.stdout.range(of: "\(bytes.count)  1980-01-01 00:00   \(LayerLayout.shardEntry(tile))") != nil,
                    "\(listing.stdout)")
        }
        let test = try Executables.runTool("unzip", ["-t", shard])
        #expect(test.status == 0 && test.stdout.contains("No errors detected"), "\(test.stdout)\(test.stderr)")
    }

    @Test func pythonsZipfileReadsAShard() throws {
        let shard = try writeShard()
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                assert z.testzip() is None
                for info in z.infolist():
                    assert info.compress_type == zipfile.ZIP_STORED
                    print(info.filename, z.read(info).hex())
            """
        let outcome = try Executables.runTool("python3", ["-c", script, shard])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == tiles.map { "\(LayerLayout.shardEntry($0.0)) \($0.1.map { String(format: "%02x", $0) }.joined())\n" }.joined())
    }

    @Test func theIndexReadsAStoredZipThatPythonWrote() throws {
        try storage.create()
        let folder = storage.path("DAPI_shards")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:
                z.writestr("3/1_2.jpg", bytes(range(7)))
                z.writestr("notes.txt", b"not a tile")
                z.writestr("3/0_0.jpg", b"")
            """
        let outcome = try Executables.runTool("python3", ["-c", script, folder + "/made-by-python.zip"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let source = storage.pyramids.source(layer: "DAPI")
        #expect(try source.tile(TileAddress(level: 3, row: 2, column: 1))?.bytes == Array(0..<7))
        #expect(try source.tile(TileAddress(level: 3, row: 0, column: 0))?.bytes == [])
        #expect(!source.containsTile(TileAddress(level: 3, row: 0, column: 1)))
    }
}
