import Foundation
import IlluminatiCore
import IlluminatiImaging
import IlluminatiStorage
import Testing
@testable import IlluminatiPyramid

@Suite("Render failures name what is wrong")
struct RenderFailureTests {
    private func context(sites: [SiteSource], siteSize: PixelSize, root: String, bitDepth: Int? = 16) throws -> RenderContext {
        let layout = try PyramidLayout(baseSize: PixelSize(height: 300, width: 600))
        let storage = ExperimentStorage(directory: root)
        try storage.create()
        return try RenderContext(layout: layout, siteSize: siteSize, bitDepth: bitDepth,
                                 layers: [LayerSpec(name: "L", channel: "C", window: IntensityWindow.fullRange(bitDepth: 16), sites: sites)],
                                 store: storage.pyramids)
    }

    private func baseJob(_ context: RenderContext) -> PyramidJob {
        let layout = context.layout
        let grid = layout.tiles(level: layout.maxLevel)
        return PyramidJob(layer: "L", stage: 0, block: TileBlock(level: layout.maxLevel, rows: 0..<grid.rows, columns: 0..<grid.columns),
                          levels: layout.maxLevel + 1, inputs: [], writesIntermediate: false)
    }

    @Test("site images that are damaged or do not match the experiment")
    func badSites() throws {
        let dir = TemporaryDirectory()
        let good = dir.file("good.tif"), small = dir.file("small.tif"), cut = dir.file("cut.tif"), eight = dir.file("eight.png")
        let image = GrayImage(width: 100, height: 80, bitDepth: 16, pixels: (0..<8000).map { UInt16($0 * 7 % 60000) })
        try ImageFiles.write(image, to: good)
        try ImageFiles.write(GrayImage(width: 90, height: 80, bitDepth: 16), to: small)
        try ImageFiles.write(image, to: cut, compression: .deflate)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: cut))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        try ImageFiles.write(GrayImage(width: 100, height: 80, bitDepth: 8), to: eight)
        let size = PixelSize(height: 80, width: 100)

        let fine = try context(sites: [SiteSource(path: good, offset: PixelOffset(y: 10, x: 300))], siteSize: size, root: dir.file("ok"))
        #expect(try PyramidRenderer.render(baseJob(fine), context: fine).tilesWritten > 0)

        for (path, words) in [(small, "90 (height×width) but the experiment's sites are 80×100"), (cut, "truncated"),
                              (eight, "8-bit but the experiment's images are 16-bit"), (dir.file("gone.tif"), "not found")] {
            let broken = try context(sites: [SiteSource(path: good, offset: PixelOffset(y: 0, x: 0)),
                                             SiteSource(path: path, offset: PixelOffset(y: 100, x: 200))],
                                     siteSize: size, root: dir.file("out"))
            do {
                _ = try PyramidRenderer.render(baseJob(broken), context: broken)
                Issue.record("\(path) should fail")
            } catch let error as ImageFileError {
                #expect(error.path == path)
                #expect(error.reason.contains(words), "\(error.reason)")
            }
        }
    }

    @Test("missing or damaged intermediates, misplaced jobs, unknown layers")
    func badJobs() throws {
        let dir = TemporaryDirectory()
        let context = try context(sites: [], siteSize: PixelSize(height: 10, width: 10), root: dir.path)
        let child = TileAddress(level: 9, row: 0, column: 1)
        let job = PyramidJob(layer: "L", stage: 1, block: TileBlock(level: 8, rows: 0..<1, columns: 0..<1), levels: 9,
                             inputs: [child], writesIntermediate: false)
        let path = ExperimentStorage(directory: dir.path).path(LayerLayout("L").intermediate(child))
        func failure(_ job: PyramidJob) -> PyramidError? {
            do {
                _ = try PyramidRenderer.render(job, context: context)
                return nil
            } catch let error as PyramidError {
                return error
            } catch {
                Issue.record("untyped \(error)")
                return nil
            }
        }
        guard case .intermediate(let missing, let reason)? = failure(job) else { Issue.record("missing input accepted"); return }
        #expect(missing == path && reason.contains("missing"))

        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Tile (9, 0, 1) of a 300×600 base at level 9 (150×300) is 150×44.
        var samples = [UInt16](repeating: 4000, count: 150 * 44)
        let encoded = samples.withUnsafeMutableBufferPointer { IntermediateTile.encode(child, pixels: $0.baseAddress!, width: 44, height: 150, stride: 44) }
        try Data(encoded.dropLast(10)).write(to: URL(fileURLWithPath: path))
        guard case .intermediate(_, let cut)? = failure(job) else { Issue.record("cut input accepted"); return }
        #expect(cut.contains("truncated"))
        let other = samples.withUnsafeMutableBufferPointer {
            IntermediateTile.encode(TileAddress(level: 9, row: 0, column: 0), pixels: $0.baseAddress!, width: 44, height: 150, stride: 44)
        }
        try Data(other).write(to: URL(fileURLWithPath: path))
        guard case .intermediate(_, let wrong)? = failure(job) else { Issue.record("wrong tile accepted"); return }
        #expect(wrong.contains("expected 9/1_0"))
        try Data(encoded).write(to: URL(fileURLWithPath: path))
        #expect(failure(job) == nil)

        var misaligned = job
        misaligned.block = TileBlock(level: 9, rows: 0..<1, columns: 1..<2)
        misaligned.levels = 2
        misaligned.inputs = []
        guard case .invalidJob? = failure(misaligned) else { Issue.record("misaligned block accepted"); return }
        var stray = job
        stray.inputs = [TileAddress(level: 9, row: 3, column: 3)]
        guard case .invalidJob? = failure(stray) else { Issue.record("input outside the block accepted"); return }
        var unknown = job
        unknown.layer = "nope"
        #expect(failure(unknown) == .unknownLayer("nope"))
    }

    @Test("intermediate tiles round trip, blank ones without samples")
    func intermediateRoundTrip() throws {
        let dir = TemporaryDirectory()
        let tile = TileAddress(level: 3, row: 2, column: 1)
        let pixels: [UInt16] = (0..<(5 * 4 + 3)).map { UInt16($0 * 997 % 65281) }
        let bytes = pixels.withUnsafeBufferPointer { IntermediateTile.encode(tile, pixels: $0.baseAddress!, width: 4, height: 5, stride: 4) }
        #expect(bytes.count == 32 + 2 * 20)
        let store = ExperimentStorage(directory: dir.path).pyramids
        let sink = try store.openSink(layer: "L", job: "3/1_2")
        try bytes.withUnsafeBytes { try sink.writeIntermediate(tile, bytes: $0) }
        try sink.commit()
        var back = [UInt16](repeating: 1, count: 20)
        try back.withUnsafeMutableBufferPointer {
            try IntermediateTile.read(tile, from: store.source(layer: "L"), width: 4, height: 5, into: $0.baseAddress!, stride: 4)
        }
        #expect(back == Array(pixels.prefix(20)))
        let zeros = [UInt16](repeating: 0, count: 20)
        let blank = zeros.withUnsafeBufferPointer { IntermediateTile.encode(tile, pixels: $0.baseAddress!, width: 4, height: 5, stride: 4) }
        #expect(blank.count == 32)
        let again = try store.openSink(layer: "L", job: "3/1_2")
        try blank.withUnsafeBytes { try again.writeIntermediate(tile, bytes: $0) }
        try again.commit()
        try back.withUnsafeMutableBufferPointer {
            try IntermediateTile.read(tile, from: store.source(layer: "L"), width: 4, height: 5, into: $0.baseAddress!, stride: 4)
        }
        #expect(back == zeros)
    }
}
