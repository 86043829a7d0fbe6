import Foundation
import IlluminatiPyramid
import IlluminatiServer
import IlluminatiTestSupport
import Testing

/// A viewer on another web site: a page served by Python's static file server (another port,
/// so another origin) runs OpenSeadragon (the copy the viewer ships) in headless Chromium on
/// the tile server's `.dzi` or IIIF `info.json`, with the navigator on and tiles requested
/// with CORS (`crossOriginPolicy`, which WebGL drawing needs). It opens, draws the whole
/// plate and a corner at full resolution, and logs no failed tile; the same page on a server
/// with `--cors-origin none` cannot open the layer at all, which is what the server did
/// before it answered CORS.
@Suite(.tags(.database, .process, .browser)) struct CrossOriginBrowserTests {
    static let page = """
        <!doctype html>
        <html><body style="margin:0; background:#000; overflow:hidden">
        <div id="view" style="width:100vw; height:100vh"></div>
        <script src="openseadragon.js"></script>
        <script>
        const source = new URLSearchParams(location.search).get("source");
        window.loaded = [];
        window.failed = [];
        const viewer = OpenSeadragon({ id: "view", tileSources: source, crossOriginPolicy: "Anonymous", showNavigator: true,
                                       showNavigationControl: false, animationTime: 0, blendTime: 0, immediateRender: true });
        for (const v of [viewer, viewer.navigator]) {
            v.addHandler("tile-loaded", (e) => { window.loaded.push(e.tile.getUrl()); });
            v.addHandler("tile-load-failed", (e) => { window.failed.push(e.tile.getUrl() + ": " + e.message); });
            v.addHandler("open-failed", (e) => { window.failed.push("open: " + e.message); });
        }
        const drawn = (v) => v.world.getItemCount() === 1 && v.world.getItemAt(0).getFullyLoaded() && !v.world.needsDraw();
        window.drawn = () => drawn(viewer) && drawn(viewer.navigator);
        window.showCorner = () => {
            const item = viewer.world.getItemAt(0), size = item.getContentSize();
            viewer.viewport.fitBounds(item.imageToViewportRectangle(size.x - 200, size.y - 150, 200, 150), true);
        };
        // What a page's own code reads of an answer: only safelisted and exposed headers.
        window.readHeaders = (url) => fetch(url).then((r) => {
            window.headers = { etag: r.headers.get("ETag"), length: r.headers.get("Content-Length") };
        }, (e) => { window.headers = { error: String(e) }; });
        </script>
        </body></html>
        """

    struct Session {
        let browser: WebDriver
        let site: StaticFileServer

        /// Opens the page on `source` and waits until it has drawn the whole plate (into the
        /// screenshot `name`) and then the bottom-right corner (`cornerTile` names that corner's
        /// deepest tile in a tile URL), or has failed.
        func view(_ source: String, cornerTile: String, screenshot name: String) async throws -> (loaded: [String], failed: [String]) {
            try await open(source)
            try await browser.waitUntil("return window.drawn() || window.failed.length > 0", seconds: 60)
            let opened = try await tiles()
            guard opened.failed.isEmpty else { return opened }
            let whole = try await browser.screenshot(to: "\(BrowserTests.artifacts)/\(name)")
            #expect(whole.meanBrightness(x0: 0, y0: 0, x1: whole.width, y1: whole.height) > 3, "the plate is drawn")
            try await browser.execute("window.showCorner(); return true")
            try await browser.waitUntil("return (window.drawn() && window.loaded.some((u) => u.includes('\(cornerTile)'))) "
                                        + "|| window.failed.length > 0", seconds: 60)
            return try await tiles()
        }

        func open(_ source: String) async throws {
            let query = source.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? source
            try await browser.open("http://127.0.0.1:\(site.port)/index.html?source=\(query)")
        }

        func tiles() async throws -> (loaded: [String], failed: [String]) {
            (try #require(try await browser.execute("return window.loaded") as? [String]),
             try #require(try await browser.execute("return window.failed") as? [String]))
        }
    }

    /// A static site with the page and OpenSeadragon, and a browser; both stop afterwards.
    func withSession(log: String, _ body: (Session) async throws -> Void) async throws {
        let folder = TemporaryDirectory.make(prefix: "illuminati-other-origin")
        defer { folder.remove() }
        try FileManager.default.copyItem(atPath: ExportBrowserTests.openSeadragon, toPath: folder.file("openseadragon.js"))
        _ = try folder.write("index.html", Self.page)
        let site = try StaticFileServer.start(serving: folder.path)
        defer { site.stop() }
        let browser = try await WebDriver.start(log: log)
        defer { browser.stop() }
        try await body(Session(browser: browser, site: site))
    }

    /// Without CORS the page learns nothing: OpenSeadragon cannot read the descriptor.
    func expectRefusedWithoutCORS(_ f: ServerFixture, _ session: Session, path: String) async throws {
        try await f.withServer({ $0.crossOrigin = .off }) { server in
            try await session.open("http://127.0.0.1:\(server.port)\(path)")
            try await session.browser.waitUntil("return window.failed.length > 0", seconds: 30)
            let (loaded, failed) = try await session.tiles()
            #expect(loaded.isEmpty && failed.contains { $0.hasPrefix("open:") }, "\(loaded) \(failed)")
        }
    }

    /// The two descriptors OpenSeadragon opens, and how each names the plate's bottom-right
    /// tile at full resolution in its tile URLs.
    enum Descriptor: String, CaseIterable, Sendable {
        case deepZoom = "dzi", iiif

        func path(_ f: ServerFixture, layer: String) -> String {
            switch self {
            case .deepZoom: "/dzi/\(f.experimentID)/\(layer).dzi"
            case .iiif: "/iiif/\(f.experimentID)/\(layer)/info.json"
            }
        }

        func cornerTile(_ geometry: LayerDescriptor.Geometry, base: LayerDescriptor.Level) -> String {
            switch self {
            case .deepZoom: "_files/\(base.level)/\(base.columns - 1)_\(base.rows - 1).jpg"
            // Region x,y,w,h with x and y on the tile grid.
            case .iiif: "/\((base.columns - 1) * geometry.tileSize),\((base.rows - 1) * geometry.tileSize),"
            }
        }
    }

    @Test(.browserInstalled, .timeLimit(.minutes(3)), arguments: Descriptor.allCases)
    func openSeadragonOnAnotherOriginOpensTheLayer(_ descriptor: Descriptor) async throws {
        let f = try await fixture()
        let layer = f.layers[0], geometry = try f.descriptor(layer).geometry
        let base = try #require(geometry.levels.first { $0.level == geometry.maxLevel })
        let origin = "http://127.0.0.1:\(f.port)", path = descriptor.path(f, layer: layer)
        try await withSession(log: "chromedriver-cross-origin-\(descriptor.rawValue).log") { session in
            let (loaded, failed) = try await session.view(origin + path, cornerTile: descriptor.cornerTile(geometry, base: base),
                                                          screenshot: "cross-origin-\(descriptor.rawValue).png")
            #expect(failed.isEmpty, "\(failed)")
            let route = origin + "/" + descriptor.rawValue + "/"
            #expect(loaded.count > 4 && loaded.allSatisfy { $0.hasPrefix(route) }, "\(loaded)")

            // The page's own code reads a tile's validator and size.
            let tile = try #require(loaded.first)
            try await session.browser.execute("window.readHeaders('\(tile)'); return true")
            try await session.browser.waitUntil("return window.headers !== undefined", seconds: 30)
            let headers = try #require(try await session.browser.execute("return window.headers") as? [String: Any])
            let direct = try await f.get(String(tile.dropFirst(origin.count)))
            #expect(headers["etag"] as? String == direct.headers["etag"] && direct.headers["etag"] != nil, "\(headers)")
            #expect(headers["length"] as? String == String(direct.body.count), "\(headers)")

            try await expectRefusedWithoutCORS(f, session, path: path)
        }
    }
}
