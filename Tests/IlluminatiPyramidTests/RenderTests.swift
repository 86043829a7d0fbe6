import Foundation
import IlluminatiBuild
import IlluminatiCore
import IlluminatiImaging
import IlluminatiStorage
import IlluminatiTestSupport
import Testing
@testable import IlluminatiPyramid

@Suite("Rendering sample plates")
struct RenderTests {
    /// Checks every level of `layer` against the exact float pyramid; returns the per-level gap
    /// (dB) by which our tiles fall short of one JPEG encode of the reference.
    @discardableResult
    private func checkGenerationLoss(_ sample: SampleExperiment, output: String, layer: ChannelLayer,
                                     window: IntensityWindow, align: Bool, correction: IlluminationCorrection?,
                                     quality: Int = 95) throws -> [Double] {
        let layout = try PyramidLayout(geometry: sample.layout.pyramid)
        let storage = ExperimentStorage(directory: output)
        let sites = ExperimentLayers.sites(of: layer, in: sample.experiment, layout: sample.layout, align: align)
        var reference = try referenceBase(layout: layout, sites: sites, window: window, correction: correction)
        var gaps: [Double] = []
        for level in stride(from: layout.maxLevel, through: 0, by: -1) {
            if level < layout.maxLevel { reference = reference.halved() }
            let ours = try decodedLevel(level, layer: layer.name, layout: layout, storage: storage)
            let once = try singleEncode(reference, layout: layout, level: level, quality: quality)
            let ourPSNR = reference.psnr(of: ours), bound = reference.psnr(of: once)
            let gap = bound.isInfinite && ourPSNR.isInfinite ? 0 : bound - ourPSNR
            gaps.append(gap)
            #expect(gap <= 0.2, "level \(level): \(ourPSNR) dB, one encode of the reference \(bound) dB")
        }
        return gaps
    }

    @Test("every level is within 0.2 dB of one JPEG encode of the exact 2×2-mean reference")
    func generationLoss() throws {
        let sample = try SampleExperiment { _ in }
        let output = TemporaryDirectory()
        // 2×2-tile jobs: more than one stage, so intermediates between stages are exercised.
        let summary = try sample.build(into: output.path) {
            $0.clip = ClipRequest(upper: .percentile(99.9))
            $0.batchSize = 4
        }
        #expect(summary.stages >= 2)
        let layer = try #require(sample.experiment.layers.first)
        let window = try #require(summary.windows[layer.name])
        #expect(window.upper > window.lower + 255)
        try checkGenerationLoss(sample, output: output.path, layer: layer, window: window, align: false, correction: nil)
        // A lower quality widens JPEG's own error but not our gap.
        let low = TemporaryDirectory()
        let lowSummary = try sample.build(into: low.path) {
            $0.clip = ClipRequest(upper: .value(window.upper), lower: window.lower)
            $0.quality = 75
        }
        #expect(lowSummary.windows[layer.name] == window)
        try checkGenerationLoss(sample, output: low.path, layer: layer, window: window, align: false, correction: nil, quality: 75)
    }

    @Test("with illumination correction and alignment, against the pure functions")
    func correctedAndAligned() throws {
        let sample = try SampleExperiment { $0.cycles = 2 }
        #expect(sample.experiment.shifts.contains { $0.shift != PixelOffset(y: 0, x: 0) })
        let output = TemporaryDirectory()
        let summary = try sample.build(into: output.path) {
            $0.clip = ClipRequest(upper: .percentile(99.5))
            $0.illumcorr = true
            $0.align = true
        }
        let statisticsPath = try #require(summary.statisticsFiles.first)
        #expect(statisticsPath == output.file("illumstats/DAPI.illumstats"))
        let (channel, statistics) = try IlluminationStatisticsFile.read(statisticsPath)
        #expect(channel == "DAPI" && statistics.count == 16)
        let correction = IlluminationCorrection(statistics: statistics)
        for layer in sample.experiment.layers {
            let window = try #require(summary.windows[layer.name])
            try checkGenerationLoss(sample, output: output.path, layer: layer, window: window, align: true, correction: correction)
        }
        let descriptor = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output.file("DAPI_c1.json")))) as? [String: Any]
        #expect(descriptor?["alignment"] as? Bool == true)
        #expect((descriptor?["illuminationCorrection"] as? [String: Any])?["statistics"] as? String == "illumstats/DAPI.illumstats")
    }

    @Test("statistics files given instead of computed: the same tiles, descriptors naming the files")
    func givenStatistics() throws {
        let sample = try SampleExperiment { $0.channels = 2 }
        let computed = TemporaryDirectory(), given = TemporaryDirectory()
        _ = try sample.build(into: computed.path) { $0.illumcorr = true }
        let summary = try sample.build(into: given.path, statistics: [computed.file("illumstats")])
        #expect(summary.statisticsFiles == [computed.file("illumstats/DAPI.illumstats"), computed.file("illumstats/GFP.illumstats")])
        let a = try fileTree(computed.path), b = try fileTree(given.path)
        let tiles = a.keys.filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".dzi") }
        #expect(tiles.count > 40 && Set(tiles) == Set(b.keys.filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".dzi") }))
        #expect(tiles.filter { a[$0] != b[$0] }.isEmpty)
        #expect(!b.keys.contains { $0.hasPrefix("illumstats") }, "nothing is computed")
        let descriptor = try JSONDecoder().decode(LayerDescriptor.self, from: try #require(b["GFP.json"]))
        #expect(descriptor.illuminationCorrection?.statistics == computed.file("illumstats/GFP.illumstats"))
        #expect(descriptor.illuminationCorrection?.images == 8)

        // Every layer's channel needs a file.
        #expect(throws: BuildError.self) {
            try sample.build(into: given.path, statistics: [computed.file("illumstats/DAPI.illumstats")])
        }
    }

    @Test("same input, same bytes: repeated builds, thread counts and job sizes")
    func determinism() throws {
        let sample = try SampleExperiment { _ in }
        var trees: [[String: Data]] = []
        for (threads, batchSize) in [(2, 4), (2, 4), (1, 1), (3, 64), (2, 16)] {
            let output = TemporaryDirectory()
            let summary = try sample.build(into: output.path, threads: threads) {
                $0.clip = ClipRequest(upper: .value(3000), lower: 150)
                $0.batchSize = batchSize
            }
            #expect(summary.result.tilesWritten > 20)
            trees.append(try fileTree(output.path))
        }
        #expect(trees[0].keys.contains("DAPI.dzi") && trees[0].keys.contains("DAPI_shards/blank.jpg"))
        #expect(!trees[0].keys.contains { $0.contains("intermediate") })
        for tree in trees.dropFirst() {
            #expect(tree.keys.sorted() == trees[0].keys.sorted())
            let differing = tree.keys.filter { tree[$0] != trees[0][$0] }
            #expect(differing.isEmpty, "differing files: \(differing.sorted().prefix(5))")
        }
    }

    @Test("a plain DeepZoom folder holds the tiles the shards hold, a file each")
    func deepZoomFolder() throws {
        let sample = try SampleExperiment { _ in }
        let shards = TemporaryDirectory(), folder = TemporaryDirectory()
        for (output, format) in [(shards, PyramidFormat.shards), (folder, .dzi)] {
            _ = try sample.build(into: output.path, format: format) { $0.clip = ClipRequest(upper: .value(3000), lower: 150) }
        }
        let packed = try fileTree(shards.path), plain = try fileTree(folder.path)
        func tiles(_ tree: [String: Data], _ prefix: String) -> [String: Data] {
            Dictionary(uniqueKeysWithValues: tree.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        #expect(tiles(packed, "DAPI_shards/").count > 20)
        #expect(tiles(packed, "DAPI_shards/") == tiles(plain, "DAPI_files/"))
        #expect(packed["DAPI.dzi"] == plain["DAPI.dzi"])
        let descriptor = try JSONDecoder().decode(LayerDescriptor.self, from: try #require(plain["DAPI.json"]))
        #expect(descriptor.tileStorage == "dzi" && descriptor.tiles == "DAPI_files" && descriptor.blankTile == "DAPI_files/blank.jpg")
        #expect(!plain.keys.contains { $0.contains("_shards") })
    }

    @Test("a build creates a file per job, not one per tile")
    func filesPerBuild() throws {
        let sample = try SampleExperiment { $0.wells = .count(4) }
        for batchSize in [4, 16] {
            let output = TemporaryDirectory()
            // Intermediates kept: every file the build created is still there (each was written
            // under a temporary name and renamed once).
            let summary = try sample.build(into: output.path, keepingIntermediates: true) { $0.batchSize = batchSize }
            let files = try filesBelow(output.path)
            let perLayer = LayerDocument.allCases.count
            #expect(files.count <= 2 * summary.jobs + perLayer * summary.layers.count,
                    "\(files.count) files for \(summary.jobs) jobs")
            #expect(files.keys.filter { $0.hasSuffix(".zip") }.count <= summary.jobs)
            #expect(summary.result.tilesWritten > files.count, "batch \(batchSize): \(summary.result.tilesWritten) tiles")
        }
    }

    @Test("output layout: .dzi, descriptor, blank tile, no black tiles")
    func outputFiles() throws {
        let sample = try SampleExperiment { _ in }
        let output = TemporaryDirectory()
        let summary = try sample.build(into: output.path) { $0.clip = ClipRequest(upper: .value(3000), lower: 150) }
        let layout = try PyramidLayout(geometry: sample.layout.pyramid)
        let dzi = try String(contentsOfFile: output.file("DAPI.dzi"), encoding: .utf8)
        #expect(dzi.contains("TileSize=\"256\"") && dzi.contains("Overlap=\"0\"") && dzi.contains("Format=\"jpg\""))
        #expect(dzi.contains("Width=\"\(layout.baseSize.width)\" Height=\"\(layout.baseSize.height)\""))
        let blank = try JPEGDecoder.decodeGray([UInt8](Data(contentsOf: URL(fileURLWithPath: output.file("DAPI_shards/blank.jpg")))))
        #expect(blank.width == 256 && blank.height == 256 && blank.pixels.allSatisfy { $0 == 0 })
        // The well spacer column of the base level is black: not written, counted as blank.
        #expect(summary.result.blankTiles > 0)
        let tree = try fileTree(output.path)
        let tiles = tree.keys.filter { $0.hasPrefix("DAPI_shards/") && $0 != "DAPI_shards/blank.jpg" }
        #expect(tiles.count == summary.result.tilesWritten)
        #expect(tree["DAPI_shards/0/0_0.jpg"] != nil)  // every level down to 1×1
        for path in tiles {
            let decoded = try JPEGDecoder.decodeGray([UInt8](tree[path]!))
            #expect(decoded.pixels.contains { $0 != 0 }, "\(path) is black but was written")
        }
        let descriptor = try JSONDecoder().decode(LayerDescriptor.self, from: tree["DAPI.json"]!)
        #expect(descriptor.tissueMAPS.zOffset == layout.zOffset)
        #expect(descriptor.geometry.levels.count == layout.maxLevel + 1)
        #expect(descriptor.window.lower == 150 && descriptor.window.upper == 3000)
        #expect(descriptor.blankTile == "DAPI_shards/blank.jpg" && descriptor.tiles == "DAPI_shards")
        #expect(descriptor.tileStorage == "shards")
        #expect(descriptor.geometry.levels.last?.tissueMAPSZ == layout.tissueMAPSDepth - 1)
    }
}
