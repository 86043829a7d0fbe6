import Foundation
import IlluminatiCore
@testable import IlluminatiStorage
import IlluminatiTestSupport
import Testing

/// A `.szi` of a whole plate holds more than 65 534 tiles and more than 4 GiB (a 384-well
/// plate of 3×3 sites of 2048² makes about 300 000 tiles of 20 kB per layer), past what a ZIP
/// without ZIP64 holds: the export then writes ZIP64 records, and common tools read them.
@Suite("Static exports: ZIP64 read by unzip and Python", .tags(.process))
struct ExportZip64ToolsTests {
    let root = TemporaryDirectory.make(prefix: "illuminati-export-zip64")

    /// Every entry's name and bytes (in hex), stored (not compressed), as Python reads them.
    private func pythonListing(_ path: String) throws -> [String: String] {
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                assert z.testzip() is None
                for info in z.infolist():
                    assert info.compress_type == zipfile.ZIP_STORED, info.filename
                    print(info.filename, z.read(info).hex() or "-")
            """
        let outcome = try Executables.runTool("python3", ["-c", script, path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return Dictionary(uniqueKeysWithValues: outcome.stdout.split(separator: "\n").map {
            let parts = $0.split(separator: " ")
            return (String(parts[0]), String(parts[1]))
        })
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func moreTilesThanAPlainZipHoldsAreReadBack() throws {
        let path = root.file("many.szi")
        let export = try DeepZoomExport(format: .szi, path: path, replacing: false)
        try export.beginLayer("DAPI", deepZoom: Array("<Image/>".utf8), size: PixelSize(height: 70_000, width: 256))
        let count = 70_000
        for i in 0..<count {
            try withUnsafeBytes(of: UInt32(i).littleEndian) { try export.writeTile(TileAddress(level: 17, row: i, column: 0), jpeg: $0) }
        }
        try export.commit()

        let listing = try pythonListing(path)
        #expect(listing.count == count + 2, "the .dzi, every tile and the properties")
        let last = TileAddress(level: 17, row: count - 1, column: 0)
        #expect(listing["DAPI/DAPI_files/17/0_\(count - 1).jpg"] == hex(withUnsafeBytes(of: UInt32(last.row).littleEndian) { Array($0) }))
        #expect(listing["DAPI/DAPI.dzi"] == hex(Array("<Image/>".utf8)))

        let test = try Executables.runTool("unzip", ["-tq", path])
        #expect(test.status == 0 && test.stdout.contains("No errors detected"), "\(test.stdout)\(test.stderr)")
    }

    /// Past 4 GiB, entries give their offsets in ZIP64 extra fields; with the limit lowered to
    /// 4 kB a small archive has them, and every entry is still read back where it lies.
    @Test func entriesPastTheOffsetLimitAreReadBack() throws {
        let path = root.file("far.szi")
        let target = try ExportTarget(path: path, replacing: false)
        let export = try DeepZoomExport(format: .szi, target: target, limits: ZipFormat.Limits(entries: ZipFormat.maximumEntries, offset: 4096))
        try export.beginLayer("GFP", deepZoom: Array("<Image/>".utf8), size: PixelSize(height: 256, width: 256 * 40))
        var expected: [String: [UInt8]] = [:]
        for column in 0..<40 {
            let bytes = (0..<(300 + 17 * column)).map { UInt8(truncatingIfNeeded: $0 &* (column + 1)) }
            try bytes.withUnsafeBytes { try export.writeTile(TileAddress(level: 14, row: 0, column: column), jpeg: $0) }
            expected["GFP/GFP_files/14/\(column)_0.jpg"] = bytes
        }
        try export.commit()
        let listing = try pythonListing(path)
        #expect(listing.count == 42)
        for (name, bytes) in expected { #expect(listing[name] == hex(bytes), "\(name)") }
        let test = try Executables.runTool("unzip", ["-tq", path])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
    }
}
