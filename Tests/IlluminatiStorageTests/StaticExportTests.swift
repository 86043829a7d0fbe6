import Foundation
import IlluminatiCore
@testable import IlluminatiStorage
import IlluminatiTestSupport
import Testing

/// A static export appears whole under its name or not at all, refuses to overwrite unless
/// asked, and a `.szi` is the DeepZoom folder of one layer below a folder named after it.
@Suite("Static exports: folders and .szi files")
struct StaticExportTests {
    let root = TemporaryDirectory.make(prefix: "illuminati-export")

    private let deepZoom = Array("<Image/>\n".utf8)
    private let size = PixelSize(height: 300, width: 520)
    private let tiles: [(TileAddress, [UInt8])] = [
        (TileAddress(level: 0, row: 0, column: 0), [1, 2, 3]),
        (TileAddress(level: 10, row: 1, column: 2), Array(repeating: 9, count: 700)),
        (TileAddress(level: 10, row: 0, column: 0), []),
    ]

    private func write(_ export: DeepZoomExport, layer: String = "DAPI") throws {
        try export.beginLayer(layer, deepZoom: deepZoom, size: size)
        for (tile, bytes) in tiles { try bytes.withUnsafeBytes { try export.writeTile(tile, jpeg: $0) } }
    }

    private func names(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    private func contents(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }

    @Test func aFolderAppearsWholeUnderItsNameWhenCommitted() throws {
        let path = root.file("out")
        let export = try DeepZoomExport(format: .dzi, path: path, replacing: false)
        try write(export)
        #expect(!FileManager.default.fileExists(atPath: path), "nothing under its name before the commit")
        #expect(names(root.path).count == 1 && names(root.path)[0].hasPrefix(".out.") && names(root.path)[0].hasSuffix(".tmp"))
        try export.commit()
        #expect(names(root.path) == ["out"])
        #expect(names(path) == ["DAPI.dzi", "DAPI_files"])
        #expect(contents(path + "/DAPI.dzi") == deepZoom)
        for (tile, bytes) in tiles {
            #expect(contents(path + "/DAPI_files/\(tile.level)/\(tile.column)_\(tile.row).jpg") == bytes)
        }
        // For a web server that runs as another user: the umask's modes, not the storage's private ones.
        let mask = umask(0)
        umask(mask)
        var status = stat()
        #expect(stat(path + "/DAPI_files/10", &status) == 0 && status.st_mode & 0o777 == 0o777 & ~mask)
        #expect(stat(path + "/DAPI.dzi", &status) == 0 && status.st_mode & 0o777 == 0o644 & ~mask)
    }

    @Test(arguments: ExportFormat.allCases)
    func anAbandonedExportLeavesNothing(format: ExportFormat) throws {
        let export = try DeepZoomExport(format: format, path: root.file("out"), replacing: false)
        try write(export)
        export.abandon()
        #expect(names(root.path).isEmpty)
        do {
            let dropped = try DeepZoomExport(format: format, path: root.file("dropped"), replacing: false)
            try write(dropped)
        }
        #expect(names(root.path).isEmpty, "an export dropped without a commit is removed")
    }

    @Test(arguments: ExportFormat.allCases)
    func anExistingPathIsRefusedUnlessReplacing(format: ExportFormat) throws {
        let file = try root.write("file", "old")
        let folder = try root.write("folder/inside/old.txt", "old")
        for path in [file, root.file("folder")] {
            #expect(throws: ExportError.outputExists(path: path)) { try DeepZoomExport(format: format, path: path, replacing: false) }
        }
        #expect(contents(file) == Array("old".utf8) && contents(folder) == Array("old".utf8))

        for path in [file, root.file("folder")] {
            let export = try DeepZoomExport(format: format, path: path, replacing: true)
            try write(export)
            try export.commit()
            var isFolder: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue == (format == .dzi))
        }
        #expect(names(root.path) == ["file", "folder"], "what was replaced is gone, nothing hidden is left")
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test func somethingMadeAtThePathMeanwhileIsNotOverwritten() throws {
        let path = root.file("out.szi")
        let export = try DeepZoomExport(format: .szi, path: path, replacing: false)
        try write(export)
        _ = try root.write("out.szi", "made meanwhile")
        #expect(throws: ExportError.outputExists(path: path)) { try export.commit() }
        #expect(contents(path) == Array("made meanwhile".utf8))
        #expect(names(root.path) == ["out.szi"])
    }

    @Test func aSZIHoldsOneLayerBelowAFolderNamedAfterIt() throws {
        let folderPath = root.file("DAPI"), sziPath = root.file("DAPI.szi")
        let folder = try DeepZoomExport(format: .dzi, path: folderPath, replacing: false)
        try write(folder)
        try folder.commit()
        let szi = try DeepZoomExport(format: .szi, path: sziPath, replacing: false)
        try write(szi)
        #expect(throws: ExportError.oneLayerPerSZI(["DAPI", "GFP"])) { try szi.beginLayer("GFP", deepZoom: deepZoom, size: size) }
        try szi.commit()

        let entries = try ShardContents.entries(try Data(contentsOf: URL(fileURLWithPath: sziPath)))
        #expect(entries.map(\.name) == ["DAPI/DAPI.dzi"] + tiles.map { "DAPI/DAPI_files/\($0.0.level)/\($0.0.column)_\($0.0.row).jpg" }
                + ["DAPI/scan-properties.xml"])
        for entry in entries.dropLast() {
            #expect(contents(folderPath + "/" + entry.name.dropFirst("DAPI/".count)) == [UInt8](entry.bytes), "\(entry.name)")
        }
        let properties = String(decoding: try #require(entries.last).bytes, as: UTF8.self)
        #expect(properties.contains("<name>ImageWidth</name>\n      <value type=\"gint\">520</value>"), "\(properties)")
        #expect(properties.contains("<name>ImageHeight</name>\n      <value type=\"gint\">300</value>"))
        #expect(throws: ExportError.oneLayerPerSZI(["A", "B"])) { try ExportFormat.szi.check(layers: ["A", "B"]) }
        try ExportFormat.dzi.check(layers: ["A", "B"])
    }

    /// Replacing them would remove the folder the user is in, or the storage the export reads.
    @Test func pathsThatHoldTheWorkingFolderOrTheStorageAreRefused() throws {
        let storage = root.file("storage")
        try FileManager.default.createDirectory(atPath: storage + "/plate", withIntermediateDirectories: true)
        for path in ["/", ".", "..", storage, root.path] {
            do {
                _ = try DeepZoomExport(format: .dzi, path: path, replacing: true, protecting: [storage + "/plate"])
                Issue.record("\(path) was taken")
            } catch let error as ExportError {
                guard case .invalidOutput = error else { Issue.record("\(error)"); continue }
            }
        }
        #expect(FileManager.default.fileExists(atPath: storage + "/plate"))
        #expect(names(root.path) == ["storage"])
    }

    /// With the plain limits lowered, the records a plate-sized `.szi` gets past 4 GiB are
    /// written for a small one: entries that start past the limit give their offset in a ZIP64
    /// extra field, and the end record points to the ZIP64 end record through its locator.
    @Test func entriesPastTheLimitsGetZip64Records() throws {
        let target = try ExportTarget(path: root.file("far.szi"), replacing: false)
        let export = try DeepZoomExport(format: .szi, target: target, limits: ZipFormat.Limits(entries: 2, offset: 100))
        try write(export)
        try export.commit()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: root.file("far.szi"))))
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func u64(_ at: Int) -> Int { u32(at) | u32(at + 4) << 32 }

        let end = bytes.count - ZipFormat.endSize
        #expect(u32(end) == 0x0605_4B50)
        #expect(u16(end + 8) == 0xFFFF && u16(end + 10) == 0xFFFF, "5 entries, past 2")
        #expect(u32(end + 16) == 0xFFFF_FFFF, "the directory starts past 100 bytes")
        let locator = end - Zip64Format.locatorSize
        #expect(u32(locator) == 0x0706_4B50 && u32(locator + 16) == 1)
        let record = u64(locator + 8)
        #expect(record == locator - Zip64Format.endSize)
        #expect(u32(record) == 0x0606_4B50 && u64(record + 4) == 44 && u16(record + 14) == 45)
        #expect(u64(record + 24) == 5 && u64(record + 32) == 5)
        let directorySize = u64(record + 40), directoryOffset = u64(record + 48)
        #expect(directoryOffset + directorySize == record)

        var at = directoryOffset
        var offsets: [Int] = []
        while at < record {
            #expect(u32(at) == 0x0201_4B50)
            let nameLength = u16(at + 28), extraLength = u16(at + 30)
            let field = u32(at + 42)
            if field == 0xFFFF_FFFF {
                #expect(extraLength == 12 && u16(at + 46 + nameLength) == 1 && u16(at + 48 + nameLength) == 8)
                #expect(u16(at + 6) == 45, "version needed for ZIP64")
                offsets.append(u64(at + 50 + nameLength))
            } else {
                #expect(extraLength == 0 && field <= 100)
                offsets.append(field)
            }
            at += 46 + nameLength + extraLength
        }
        #expect(offsets.count == 5 && offsets.filter { $0 > 100 }.count >= 3)
        for offset in offsets {
            #expect(u32(offset) == 0x0403_4B50, "each offset is a local header")
            #expect(u16(offset + 4) == (offset > 100 ? 45 : 10))
        }
    }
}
