import Foundation
import IlluminatiCore
import IlluminatiStorage
import IlluminatiTestSupport
import Testing

/// A file appears whole under its final name or not at all, and what a killed writer leaves
/// behind is swept.
@Suite("Atomic writes and the temporary-file sweep")
struct AtomicWriteTests {
    struct Interrupted: Error {}

    private func names(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    private func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aFileWrittenByPathIsNeverSeenHalfDone() throws {
        let folder = TemporaryDirectory.make(prefix: "illuminati-storage")
        let path = folder.file("image.tif")
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: path) { temporary in
                try Data("half".utf8).write(to: URL(fileURLWithPath: temporary))
                #expect(contents(path) == nil)
                throw Interrupted()
            }
        }
        #expect(names(folder.path).isEmpty, "the temporary is removed when the writer fails")

        try AtomicFile.write(to: path) { temporary in try Data("old".utf8).write(to: URL(fileURLWithPath: temporary)) }
        try AtomicFile.write(to: path) { temporary in
            try Data("new".utf8).write(to: URL(fileURLWithPath: temporary))
            #expect(contents(path) == "old", "readers see the previous file until the new one is complete")
        }
        #expect(contents(path) == "new")
        #expect(names(folder.path) == ["image.tif"])
        #expect(throws: StorageError.self) { try AtomicFile.write(to: folder.file("missing/image.tif")) { _ in } }
    }

    @Test func aStorageFileIsNeverSeenHalfDone() throws {
        let root = TemporaryDirectory.make(prefix: "illuminati-storage")
        let storage = ExperimentStorage(root: root.path, experiment: "plate")
        let relative = ExperimentLayout.statistics(channel: "DAPI")
        let path = storage.path(relative)
        #expect(throws: Interrupted.self) {
            try storage.writeAtomically(relative) { file in
                #expect(write(file, "half", 4) == 4)
                #expect(contents(path) == nil)
                throw Interrupted()
            }
        }
        #expect(names(storage.path(ExperimentLayout.statisticsFolder)).isEmpty)
        try storage.writeAtomically(relative) { file in
            #expect(write(file, "whole", 5) == 5)
            // Where the filesystem makes nameless files, nothing is listed until the file is published.
            let listed = names(storage.path(ExperimentLayout.statisticsFolder))
            if NamelessFiles.supported(in: storage.path(ExperimentLayout.statisticsFolder)) {
                #expect(listed.isEmpty, "\(listed)")
            } else {
                #expect(listed.count == 1 && AtomicFile.isTemporary(listed[0]), "\(listed)")
            }
        }
        #expect(contents(path) == "whole")
        #expect(names(storage.path(ExperimentLayout.statisticsFolder)) == ["DAPI.illumstats"])
    }

    @Test(arguments: PyramidFormat.allCases)
    func aLayersFinishSweepsWhatKilledWritersLeft(_ format: PyramidFormat) throws {
        let root = TemporaryDirectory.make(prefix: "illuminati-storage")
        let storage = ExperimentStorage(root: root.path, experiment: "plate", pyramidFormat: format)
        let layer = LayerLayout("DAPI")
        let tile = TileAddress(level: 3, row: 0, column: 1)
        let sink = try storage.pyramids.openSink(layer: "DAPI", job: "3/0_0")
        try [UInt8]([1, 2, 3]).withUnsafeBytes { try sink.writeTile(tile, jpeg: $0) }
        try [UInt8]([4, 5]).withUnsafeBytes { try sink.writeIntermediate(tile, bytes: $0) }
        try sink.commit()
        // What a worker killed between writing and renaming leaves: hidden, ending in .tmp.
        let tiles = storage.path(layer.tilesFolder(format))
        let leftovers = [format == .dzi ? storage.path(layer.levelFolder(3)) + "/.1_0.jpg.4242.17.tmp" : tiles + "/.3-0_0.zip.4242.17.tmp",
                         tiles + "/.blank.jpg.4242.18.tmp",
                         storage.path(layer.intermediateLevelFolder(3)) + "/.1_0.fx16.4242.19.tmp"]
        for path in leftovers { #expect(FileManager.default.createFile(atPath: path, contents: Data([0]))) }

        let documents = LayerDocuments(deepZoom: Array("<Image/>".utf8), blankTile: [9], descriptor: Array("{}".utf8))
        try storage.pyramids.finishLayer("DAPI", documents: documents, keepingIntermediates: true)
        for path in leftovers { #expect(!FileManager.default.fileExists(atPath: path), "\(path) was not swept") }
        #expect(names(storage.path(layer.intermediateLevelFolder(3))) == ["1_0.fx16"])
        switch format {
        case .dzi:
            #expect(names(storage.path(layer.levelFolder(3))) == ["1_0.jpg"])
            #expect(names(tiles) == ["3", "blank.jpg"])
        case .shards:
            #expect(names(tiles) == ["3-0_0.zip", "blank.jpg"])
        }
    }
}
