import Foundation
import IlluminatiCore
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiStorage
import IlluminatiTestSupport
import Testing

/// `illuminati export` of the served plate: the exported tiles are the bytes the server serves
/// for the same layer, black tiles included, except at the edges, where a black tile is as
/// large as the edge (the server answers its shared 256² tile there); and the `.szi` holds
/// the exported DeepZoom folder, byte for byte, as Python's `zipfile` reads it.
@Suite(.tags(.database, .process)) struct ExportTests {
    /// Runs the built `illuminati export` on the fixture's database and storage.
    static func export(_ f: ServerFixture, _ arguments: [String]) throws -> Executables.Outcome {
        try Executables.run("illuminati", ["export", f.experimentName] + arguments
                                + ["--database-url", f.conninfo, "--storage", f.storage])
    }

    private func file(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }

    @Test func exportedTilesAreTheServedTilesAndBlankEdgeTilesHaveTheEdgesSize() async throws {
        let f = try await fixture()
        let out = TemporaryDirectory.make(prefix: "illuminati-export")
        let path = out.file("plate")
        let outcome = try Self.export(f, ["--format", "dzi", "--output", path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("export: \(path) format=dzi layers=\(f.layers.count)"), "\(outcome.stdout)")
        #expect(outcome.stderr.contains("export: done"), "progress on stderr: \(outcome.stderr)")

        var expectedFiles: Set<String> = []
        var blankEdges = 0, blankInside = 0, written = 0
        for layer in f.layers {
            let layout = try #require(try f.descriptor(layer).pyramidLayout)
            expectedFiles.insert("\(layer).dzi")
            let dzi = try await f.get("/dzi/\(f.experimentID)/\(layer).dzi")
            #expect(file("\(path)/\(layer).dzi") == dzi.body)
            for level in 0...layout.maxLevel {
                let grid = layout.tiles(level: level)
                for row in 0..<grid.rows { for column in 0..<grid.columns {
                    let name = "\(layer)_files/\(level)/\(column)_\(row).jpg"
                    expectedFiles.insert(name)
                    let exported = try #require(file("\(path)/\(name)"), "every tile is exported: \(name)")
                    let served = try await f.get("/dzi/\(f.experimentID)/\(name)")
                    #expect(served.status == 200)
                    let rect = layout.pixelRect(of: TileAddress(level: level, row: row, column: column))
                    let image = try JPEGDecoder.decodeGray(exported)
                    #expect(image.width == rect.width && image.height == rect.height, "\(name): \(image.width)×\(image.height)")
                    let isBlank = f.storedTile(layer, level: level, column: column, row: row) == nil
                    if !isBlank { written += 1 }
                    if isBlank && (rect.width < layout.tileSize || rect.height < layout.tileSize) {
                        blankEdges += 1
                        #expect(served.body == exported, "\(name): the server answers a black tile of the edge's size, as exported")
                        #expect(image.pixels.allSatisfy { $0 == 0 }, "\(name) is black")
                    } else {
                        if isBlank { blankInside += 1 }
                        #expect(exported == served.body, "\(name) is the served tile")
                    }
                } }
            }
        }
        #expect(written > 8 && blankInside > 0 && blankEdges > 0, "written \(written), blank \(blankInside) inside, \(blankEdges) at edges")
        let files = Set(try filesBelow(path).keys)
        #expect(files == expectedFiles, "only the .dzi and the tiles: \(files.symmetricDifference(expectedFiles).prefix(5))")
    }

    @Test func aSZIHoldsTheExportedDeepZoomFolderAsPythonReadsIt() async throws {
        let f = try await fixture()
        let layer = f.layers[1]
        let out = TemporaryDirectory.make(prefix: "illuminati-export-szi")
        let folder = try Self.export(f, ["--format", "dzi", "--layers", layer, "--output", out.file("folder")])
        #expect(folder.status == 0, "\(folder.stderr)")
        let szi = try Self.export(f, ["--format", "szi", "--layers", layer, "--output", out.file("\(layer).szi")])
        #expect(szi.status == 0, "\(szi.stderr)")
        let script = """
            import os, sys, zipfile
            szi, folder, layer = sys.argv[1:4]
            files = set()
            for top, _, found in os.walk(folder):
                files.update(os.path.relpath(os.path.join(top, name), folder) for name in found)
            with zipfile.ZipFile(szi) as z:
                assert z.testzip() is None
                names = z.namelist()
                assert len(names) == len(set(names)), "a name twice"
                assert all(name.startswith(layer + "/") for name in names), "one folder named after the layer"
                entries = {name[len(layer) + 1:] for name in names} - {"scan-properties.xml"}
                assert entries == files, sorted(entries ^ files)[:5]
                for name in sorted(entries):
                    info = z.getinfo(layer + "/" + name)
                    assert info.compress_type == zipfile.ZIP_STORED, name
                    with open(os.path.join(folder, name), "rb") as f:
                        assert z.read(info) == f.read(), name
                properties = z.read(layer + "/scan-properties.xml").decode()
                print("entries", len(names), "dzi", sum(name.endswith(".dzi") for name in names))
                print(properties)
            """
        let outcome = try Executables.runTool("python3", ["-c", script, out.file("\(layer).szi"), out.file("folder"), layer])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let layout = try #require(try f.descriptor(layer).pyramidLayout)
        let tiles = (0...layout.maxLevel).map { layout.tiles(level: $0) }.map { $0.rows * $0.columns }.reduce(0, +)
        #expect(outcome.stdout.contains("entries \(tiles + 2) dzi 1"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("<value type=\"gint\">\(layout.baseSize.width)</value>"))
    }
}
