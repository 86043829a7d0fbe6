import Foundation
import Testing
@testable import IlluminatiPyramid

/// Which of a layer's images `init` counts for its percentiles (docs/pyramid.md).
@Suite("Intensity-window sample")
struct LayerWindowSampleTests {
    private func paths(_ count: Int, _ ext: String) -> [String] { (0..<count).map { "/d/s\($0).\(ext)" } }

    @Test func everyTIFFUpToTheLimit() {
        #expect(LayerWindows.sample(paths(100, "tif"), limit: 1000) == paths(100, "tif"))
        #expect(LayerWindows.sample(paths(100, "tif"), limit: 10) == (0..<10).map { "/d/s\($0 * 10).tif" })
    }

    @Test("PNG layers: 16 images evenly spaced, the first included, the same every time")
    func pngSample() {
        let chosen = LayerWindows.sample(paths(100, "png"), limit: 1000)
        #expect(chosen.count == LayerWindows.pngSampleLimit)
        #expect(chosen == (0..<16).map { "/d/s\($0 * 100 / 16).png" })
        #expect(chosen.first == "/d/s0.png" && chosen.last == "/d/s93.png")
        #expect(LayerWindows.sample(paths(100, "PNG"), limit: 1000) == chosen.map { $0.replacingOccurrences(of: ".png", with: ".PNG") })
        #expect(LayerWindows.sample(paths(9, "png"), limit: 1000) == paths(9, "png"))
        #expect(LayerWindows.sample(paths(100, "png"), limit: 4) == ["/d/s0.png", "/d/s25.png", "/d/s50.png", "/d/s75.png"])
    }
}
