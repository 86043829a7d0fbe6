import Foundation
import IlluminatiCore
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiTestSupport
import Testing

/// A DeepZoom folder written by `illuminati export` needs no illuminati to be seen: Python's
/// static file server serves it, and OpenSeadragon (the copy the viewer embeds) in headless
/// Chromium opens it, shows the whole plate, then the bottom-right corner at full resolution;
/// every tile it loaded answers 200 with the size the layer's grid gives it.
@Suite(.tags(.database, .process, .browser)) struct ExportBrowserTests {
    /// OpenSeadragon as the viewer ships it, from the source tree.
    static let openSeadragon = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/IlluminatiServer/Viewer/openseadragon/openseadragon.js").standardized.path

    static func page(deepZoom: String) -> String {
        """
        <!doctype html>
        <html><body style="margin:0; background:#000; overflow:hidden">
        <div id="view" style="width:100vw; height:100vh"></div>
        <script src="openseadragon.js"></script>
        <script>
        window.loaded = [];
        window.failed = [];
        const viewer = OpenSeadragon({ id: "view", tileSources: "\(deepZoom)", showNavigationControl: false,
                                       animationTime: 0, blendTime: 0, immediateRender: true });
        viewer.addHandler("tile-loaded", (e) => { window.loaded.push(e.tile.getUrl()); });
        viewer.addHandler("tile-load-failed", (e) => { window.failed.push(e.tile.getUrl() + ": " + e.message); });
        viewer.addHandler("open-failed", (e) => { window.failed.push("open: " + e.message); });
        window.drawn = () => viewer.world.getItemCount() === 1 && viewer.world.getItemAt(0).getFullyLoaded()
            && !viewer.world.needsDraw();
        window.showCorner = () => {
            const item = viewer.world.getItemAt(0), size = item.getContentSize();
            viewer.viewport.fitBounds(item.imageToViewportRectangle(size.x - 200, size.y - 150, 200, 150), true);
        };
        </script>
        </body></html>
        """
    }

    @Test(.browserInstalled, .timeLimit(.minutes(3)))
    func openSeadragonOpensAnExportFromAStaticFileServer() async throws {
        let f = try await fixture()
        let layer = f.layers[0]
        let layout = try #require(try f.descriptor(layer).pyramidLayout)
        let site = TemporaryDirectory.make(prefix: "illuminati-static-site")
        let exported = try ExportTests.export(f, ["--format", "dzi", "--output", site.file("plate")])
        #expect(exported.status == 0, "\(exported.stderr)")
        try FileManager.default.copyItem(atPath: Self.openSeadragon, toPath: site.file("openseadragon.js"))
        _ = try site.write("index.html", Self.page(deepZoom: "plate/\(layer).dzi"))

        let server = try StaticFileServer.start(serving: site.path)
        defer { server.stop() }
        let port = server.port

        let browser = try await WebDriver.start(log: "chromedriver-export.log")
        defer { browser.stop() }
        try await browser.open("http://127.0.0.1:\(port)/index.html")
        try await browser.waitUntil("return window.drawn()", seconds: 60)
        let whole = try await browser.screenshot(to: "\(BrowserTests.artifacts)/export-whole-plate.png")
        #expect(whole.meanBrightness(x0: 0, y0: 0, x1: whole.width, y1: whole.height) > 3, "the plate is drawn")

        // The corner's base tile is an edge tile in both directions.
        let base = layout.tiles(level: layout.maxLevel)
        let corner = "/\(layout.maxLevel)/\(base.columns - 1)_\(base.rows - 1).jpg"
        try await browser.execute("window.showCorner(); return true")
        try await browser.waitUntil("return window.drawn() && window.loaded.some((u) => u.endsWith('\(corner)'))", seconds: 60)
        _ = try await browser.screenshot(to: "\(BrowserTests.artifacts)/export-corner.png")

        let failed = try #require(try await browser.execute("return window.failed") as? [String])
        #expect(failed.isEmpty, "\(failed)")
        let loaded = try #require(try await browser.execute("return window.loaded") as? [String])
        // Python logs each request before it answers, so the browser's are all here already.
        let browserRequests = server.requestLog
        var edges = 0
        for url in Set(loaded) {
            // Relative to the page (OpenSeadragon gives the .dzi's URL with `_files/…` for it).
            let target = "/" + String(try #require(url.range(of: "plate/").map { url[$0.lowerBound...] }, "\(url)"))
            let parts = target.split(whereSeparator: { "/_.".contains($0) })
            // plate, LAYER, files, level, column, row, jpg: the layer's name may itself hold "_".
            let numbers = parts.suffix(4).prefix(3).compactMap { Int($0) }
            try #require(numbers.count == 3 && target.hasPrefix("/plate/\(layer)_files/"), "\(url)")
            let rect = layout.pixelRect(of: TileAddress(level: numbers[0], row: numbers[2], column: numbers[1]))
            if rect.width < layout.tileSize || rect.height < layout.tileSize { edges += 1 }
            let answer = try RawHTTP.request(port: port, method: "GET", target: target, headers: [:])
            #expect(answer.status == 200, "\(target)")
            let image = try JPEGDecoder.decodeGray(answer.body)
            #expect(image.width == rect.width && image.height == rect.height, "\(target): \(image.width)×\(image.height), grid \(rect)")
            #expect(browserRequests.contains("\"GET \(target) HTTP/1.1\" 200"), "the browser's own request of \(target) answered 200")
        }
        #expect(loaded.contains { $0.contains("_files/\(layout.maxLevel)/") } && edges > 0, "\(loaded.count) tiles, \(edges) at edges")
    }
}
