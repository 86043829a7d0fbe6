import Foundation
@testable import IlluminatiBuild
import IlluminatiCore
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiStorage
import Testing

/// A worker runs build after build: what it keeps per build must be bounded, or it grows with
/// every build (a corrected 1024² channel alone is 8 MB of correction maps).
@Suite struct RenderContextCacheTests {
    final class Watched {
        weak var context: RenderContext?
        init(_ context: RenderContext) { self.context = context }
    }

    @Test func renderContextsOfEarlierBuildsAreEvictedByBytesLeastRecentlyUsedFirst() throws {
        let root = NSTemporaryDirectory() + "illuminati-contexts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let side = 512
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let storage = ExperimentStorage(root: root, experiment: "plate")
        let pixels = side * side
        let statistics = try IlluminationStatistics(
            width: side, height: side, count: 2,
            mean: (0..<pixels).map { 2 + Double($0 % side) / Double(side) }, m2: [Double](repeating: 0.02, count: pixels))
        try storage.writeAtomically(ExperimentLayout.statistics(channel: "DAPI")) { file in
            try IlluminationStatisticsFile.write(statistics, channel: "DAPI", into: file, path: storage.statisticsPath(channel: "DAPI"))
        }
        let spec = LayerSpec(name: "DAPI_c0", channel: "DAPI", window: try IntensityWindow(lower: 100, upper: 4000), sites: [])
        let descriptor = BuildDescriptor(
            experiment: "plate", options: BuildOptions(),
            layout: try PyramidLayout(baseSize: PixelSize(height: 2 * side, width: 2 * side)),
            siteSize: PixelSize(height: side, width: side), bitDepth: 16,
            layers: [BuildDescriptor.Layer(spec: spec, cycle: 0, tpoint: 0, zplane: 0)], correctedChannels: ["DAPI"])

        // 512² correction maps are 2 MiB per context: 5 MiB hold two.
        let runner = BuildJobRunner(storageRoot: root, conninfo: "", contextCacheBytes: 5 << 20)
        var watched: [Watched] = []
        for build in 1...10 {
            let context = try runner.renderContext(Int64(build), channel: "DAPI", descriptor, storage)
            #expect(context.corrections["DAPI"]?.isIdentity == false)
            watched.append(Watched(context))
        }
        let alive = watched.indices.filter { watched[$0].context != nil }
        #expect(alive == [8, 9], "contexts still alive for builds \(alive.map { $0 + 1 })")

        // Least recently used goes first: build 9, used again, outlives build 10.
        _ = try runner.renderContext(9, channel: "DAPI", descriptor, storage)
        _ = try runner.renderContext(11, channel: "DAPI", descriptor, storage)
        #expect(watched[8].context != nil)
        #expect(watched[9].context == nil)

        // An evicted build's context is made again when a late job of it comes.
        let again = try runner.renderContext(1, channel: "DAPI", descriptor, storage)
        #expect(again.corrections["DAPI"]?.isIdentity == false)
    }
}
