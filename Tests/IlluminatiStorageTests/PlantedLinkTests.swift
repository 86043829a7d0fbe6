import Foundation
import IlluminatiCore
import IlluminatiStorage
import IlluminatiTestSupport
import Testing

/// Below the root, illuminati makes the folders itself: a link found where one of them goes
/// (planted by someone who could write there first) is refused, and nothing is written
/// through it. The folders it makes are private to the user.
@Suite("Planted links in the storage tree are refused")
struct PlantedLinkTests {
    let root = TemporaryDirectory.make(prefix: "illuminati-storage")
    let elsewhere = TemporaryDirectory.make(prefix: "illuminati-elsewhere")
    var storage: ExperimentStorage { ExperimentStorage(root: root.path, experiment: "plate") }

    private func writeTile(_ tile: TileAddress, layer: String = "DAPI", format: PyramidFormat = .shards) throws {
        let storage = ExperimentStorage(root: root.path, experiment: "plate", pyramidFormat: format)
        let sink = try storage.pyramids.openSink(layer: layer, job: "job")
        try [UInt8]([0xFF, 0xD8]).withUnsafeBytes { try sink.writeTile(tile, jpeg: $0) }
        try sink.commit()
    }

    private func expectRefused(_ path: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("a link at \(path) was followed")
        } catch let error as StorageError {
            #expect(error.path == path)
            #expect(error.reason.contains("link"), "\(error.reason)")
        } catch {
            Issue.record("untyped \(error)")
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: elsewhere.path)) ?? []).isEmpty,
                "something was written through the link")
    }

    @Test func atTheExperimentsFolder() throws {
        #expect(symlink(elsewhere.path, storage.directory) == 0)
        expectRefused(storage.directory) { try writeTile(TileAddress(level: 0, row: 0, column: 0)) }
        expectRefused(storage.directory) { try storage.create() }
        expectRefused(storage.directory) {
            try storage.writeAtomically(ExperimentLayout.statistics(channel: "DAPI")) { _ in }
        }
    }

    @Test func atALayersFolders() throws {
        try storage.create()
        let layer = LayerLayout("DAPI")
        #expect(symlink(elsewhere.path, storage.path(layer.shardsFolder)) == 0)
        expectRefused(storage.path(layer.shardsFolder)) { try writeTile(TileAddress(level: 2, row: 0, column: 0)) }
        let documents = LayerDocuments(deepZoom: [1], blankTile: [2], descriptor: [3])
        expectRefused(storage.path(layer.shardsFolder)) {
            try storage.pyramids.finishLayer("DAPI", documents: documents, keepingIntermediates: false)
        }

        try writeTile(TileAddress(level: 0, row: 0, column: 0), layer: "GFP", format: .dzi)
        let level = storage.path(LayerLayout("GFP").levelFolder(1))
        #expect(symlink(elsewhere.path, level) == 0)
        expectRefused(level) { try writeTile(TileAddress(level: 1, row: 0, column: 0), layer: "GFP", format: .dzi) }
    }

    @Test func atTheStatisticsFolder() throws {
        try storage.create()
        let folder = storage.path(ExperimentLayout.statisticsFolder)
        #expect(symlink(elsewhere.path, folder) == 0)
        expectRefused(folder) {
            try storage.writeAtomically(ExperimentLayout.partialStatistics(channel: "DAPI", part: 0)) { _ in }
        }
    }

    @Test(arguments: PyramidFormat.allCases)
    func atAFilesName(_ format: PyramidFormat) throws {
        let storage = ExperimentStorage(root: root.path, experiment: "plate", pyramidFormat: format)
        let tile = TileAddress(level: 0, row: 0, column: 0)
        try writeTile(tile, format: format)
        let target = elsewhere.file("victim")
        #expect(FileManager.default.createFile(atPath: target, contents: Data("keep".utf8)))
        let path = storage.path(format == .dzi ? LayerLayout("DAPI").tile(tile) : LayerLayout("DAPI").shard(job: "job")!)
        try FileManager.default.removeItem(atPath: path)
        #expect(symlink(target, path) == 0)
        let source = storage.pyramids.source(layer: "DAPI")
        #expect(throws: StorageError.self, "a reader refuses a link") { _ = try source.tile(tile) }
        #expect(!source.containsTile(tile))

        try writeTile(tile, format: format)
        #expect(try storage.pyramids.source(layer: "DAPI").tile(tile)?.bytes == [0xFF, 0xD8], "a writer replaces the link itself")
        #expect(FileManager.default.contents(atPath: target) == Data("keep".utf8))
    }

    @Test func theRootItselfIsTheUsersChoice() throws {
        let linked = elsewhere.file("storage-link")
        #expect(symlink(root.path, linked) == 0)
        let throughLink = ExperimentStorage(root: linked, experiment: "plate")
        let sink = try throughLink.pyramids.openSink(layer: "DAPI", job: "job")
        try [UInt8]([7]).withUnsafeBytes { try sink.writeTile(TileAddress(level: 0, row: 0, column: 0), jpeg: $0) }
        try sink.commit()
        #expect(FileManager.default.fileExists(atPath: storage.path(LayerLayout("DAPI").shard(job: "job")!)))
    }

    @Test(arguments: PyramidFormat.allCases)
    func foldersItMakesArePrivate(_ format: PyramidFormat) throws {
        try writeTile(TileAddress(level: 4, row: 1, column: 1), format: format)
        let layer = LayerLayout("DAPI")
        let folders = format == .dzi ? [layer.tilesFolder, layer.levelFolder(4)] : [layer.shardsFolder]
        for folder in [storage.directory] + folders.map(storage.path) {
            var status = stat()
            #expect(lstat(folder, &status) == 0)
            #expect(status.st_mode & 0o777 == 0o700, "\(folder): \(String(status.st_mode & 0o777, radix: 8))")
        }
    }
}
