import Foundation
import IlluminatiPostgres
import IlluminatiProcess
import IlluminatiTestSupport
import Testing

/// Headless Chromium, driven through chromedriver's WebDriver API, opens the viewer of the
/// sample plate, waits until every layer has its tiles, takes a screenshot, switches a channel
/// off the way the checkbox does, and takes another. The viewer's `bare=1` mode shows only the
/// image, fitted and centred, so plate positions map to screenshot pixels. Screenshots stay in
/// `.build/test-artifacts/` for people to look at.
@Suite(.tags(.database, .process, .browser)) struct BrowserTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let chromedriver: String? = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static var artifacts: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/test-artifacts")
            .standardized.path
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    /// CI sets ILLUMINATI_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
    static let required = ProcessInfo.processInfo.environment["ILLUMINATI_REQUIRE_BROWSER"] == "1"

    @Test(.browserInstalled, .timeLimit(.minutes(3)))
    func viewerShowsThePlateAndChannelsToggle() async throws {
        let f = try await fixture()
        let browser = try await WebDriver.start(log: "chromedriver.log")
        defer { browser.stop() }
        try await browser.open("http://127.0.0.1:\(f.port)/?experiment=\(f.experimentID)&bare=1")
        try await browser.waitUntil("return window.illuminati && window.illuminati.ready()", seconds: 60)
        let all = try await browser.screenshot(to: "\(Self.artifacts)/viewer-all-channels.png")

        // Not blank.
        let whole = all.meanBrightness(x0: 0, y0: 0, x1: all.width, y1: all.height)
        #expect(whole > 3, "mean brightness \(whole) of 765")

        // Plate layout: inside the wells is much brighter than the spacer between them.
        let size = f.layout.size
        let scale = min(Double(all.width) / Double(size.width), Double(all.height) / Double(size.height))
        let left = (Double(all.width) - Double(size.width) * scale) / 2
        let top = (Double(all.height) - Double(size.height) * scale) / 2
        func screen(_ x: Int, _ y: Int) -> (Int, Int) { (Int(left + Double(x) * scale), Int(top + Double(y) * scale)) }
        var wellMeans: [Double] = []
        for well in f.layout.plates[0].wells {
            let (x0, y0) = screen(well.offset.x + well.size.width / 4, well.offset.y + well.size.height / 4)
            let (x1, y1) = screen(well.offset.x + 3 * well.size.width / 4, well.offset.y + 3 * well.size.height / 4)
            wellMeans.append(all.meanBrightness(x0: x0, y0: y0, x1: x1, y1: y1))
        }
        // The spacer right of the first well (between two columns of wells, or beyond the plate).
        let first = f.layout.plates[0].wells[0]
        let spacerX = first.offset.x + first.size.width + 100
        let (sx0, sy0) = screen(spacerX, first.offset.y + first.size.height / 4)
        let (sx1, sy1) = screen(spacerX + 300, first.offset.y + 3 * first.size.height / 4)
        let spacer = all.meanBrightness(x0: sx0, y0: sy0, x1: sx1, y1: sy1)
        let dimmest = try #require(wellMeans.min())
        #expect(dimmest > spacer + 15, "wells \(wellMeans) spacer \(spacer)")
        #expect(spacer < 10, "spacer \(spacer)")

        // Switching the first channel off changes the picture, and only darkens it (blending is
        // additive); switching it on again restores it.
        let hidden = f.layers[0]
        try await browser.execute("window.illuminati.setVisible('\(hidden)', false); return true")
        try await browser.waitUntilDrawn(seconds: 30)
        let without = try await browser.screenshot(to: "\(Self.artifacts)/viewer-without-\(hidden).png")
        let change = all.difference(to: without)
        #expect(change > 1, "mean pixel change \(change)")
        let darker = without.meanBrightness(x0: 0, y0: 0, x1: without.width, y1: without.height)
        #expect(darker < whole, "\(darker) should be below \(whole)")

        try await browser.execute("window.illuminati.setVisible('\(hidden)', true); return true")
        try await browser.waitUntilDrawn(seconds: 30)
        let again = try await browser.screenshot(to: "\(Self.artifacts)/viewer-all-channels-again.png")
        #expect(all.difference(to: again) < change / 4, "switching back on should restore the picture")

        // Well outlines, drawn over the image from the map-object route.
        try await browser.open("http://127.0.0.1:\(f.port)/?experiment=\(f.experimentID)&bare=1&outlines=Wells")
        try await browser.waitUntil("return window.illuminati && window.illuminati.ready() && window.illuminati.outlinesReady()",
                                    seconds: 60)
        try await browser.waitUntilDrawn(seconds: 30)
        let outlined = try await browser.screenshot(to: "\(Self.artifacts)/viewer-well-outlines.png")
        #expect(all.yellowPixels() < 50, "no outlines asked for, yet \(all.yellowPixels()) yellow pixels")
        let perimeter = f.layout.plates[0].wells.map { Double($0.size.width + $0.size.height) * 2 * scale }.reduce(0, +)
        #expect(Double(outlined.yellowPixels()) > perimeter / 2, "\(outlined.yellowPixels()) yellow pixels for a perimeter of \(perimeter)")

        // The full viewer: panel, controls, and a scale bar from the experiment's pixel size.
        try await browser.open("http://127.0.0.1:\(f.port)/?experiment=\(f.experimentID)")
        try await browser.waitUntil("return window.illuminati && window.illuminati.ready()", seconds: 60)
        let shownScalebar = "const bar = window.illuminati.viewer.scalebarInstance; "
            + "return bar && bar.divElt.style.display !== 'none' ? bar.divElt.textContent : '';"
        try await browser.waitUntil("return (function () { \(shownScalebar) })() !== ''", seconds: 30)
        let scalebar = try await browser.execute(shownScalebar)
        let text = try #require(scalebar as? String)
        #expect(text.hasSuffix("m") && text.first?.isNumber == true, "scale bar text: \(text)")
        _ = try await browser.screenshot(to: "\(Self.artifacts)/viewer-with-panel.png")
    }
}

extension Trait where Self == ConditionTrait {
    /// Chromium and chromedriver are installed, or required (CI): then a missing one fails the
    /// test, in `WebDriver.start(log:)`, instead of skipping it.
    static var browserInstalled: Self {
        .enabled(if: (BrowserTests.chromium != nil && BrowserTests.chromedriver != nil) || BrowserTests.required,
                 "Chromium or chromedriver is not installed (apt-get install chromium chromium-driver)")
    }
}

/// A chromedriver process and one browser session, spoken to with plain HTTP + JSON.
final class WebDriver: @unchecked Sendable {
    let port: Int
    let pid: pid_t
    /// Chromium's profile and its temporary files (`TMPDIR`): removed by `stop()`, where
    /// chromedriver's own profile folders in /tmp outlived every session.
    let scratch: TemporaryDirectory
    var session = ""

    private init(port: Int, pid: pid_t, scratch: TemporaryDirectory) {
        self.port = port
        self.pid = pid
        self.scratch = scratch
    }

    /// The installed Chromium under chromedriver, which logs to `.build/test-artifacts/<log>`.
    static func start(log: String) async throws -> WebDriver {
        let chromium = try #require(BrowserTests.chromium, "chromium is not installed")
        let chromedriver = try #require(BrowserTests.chromedriver, "chromedriver is not installed")
        return try await start(chromedriver: chromedriver, chromium: chromium, log: "\(BrowserTests.artifacts)/\(log)")
    }

    static func start(chromedriver: String, chromium: String, log: String) async throws -> WebDriver {
        let port = Int.random(in: 20000..<40000)
        let scratch = TemporaryDirectory.make(prefix: "illuminati-chromium", mode: 0o700)
        let pid = try ChildProcess.spawn(["/usr/bin/env", "TMPDIR=\(scratch.path)", chromedriver, "--port=\(port)"], output: log)
        let driver = WebDriver(port: port, pid: pid, scratch: scratch)
        do {
            let deadline = Date().addingTimeInterval(20)
            while true {
                if let status = try? await driver.call("GET", "/status"),
                   ((status["value"] as? [String: Any])?["ready"] as? Bool) == true { break }
                guard Date() < deadline else { throw HTTPTestError("chromedriver did not become ready; see \(log)") }
                try await Task.sleep(for: .milliseconds(100))
            }
            let options: [String: Any] = [
                "binary": chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                         "--window-size=1000,700", "--user-data-dir=\(scratch.file("profile"))"],
            ]
            let created = try await driver.call("POST", "/session", [
                "capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]],
            ])
            guard let id = (created["value"] as? [String: Any])?["sessionId"] as? String else {
                throw HTTPTestError("no WebDriver session: \(created)")
            }
            driver.session = id
            return driver
        } catch {
            driver.stop()
            throw error
        }
    }

    func stop() {
        if !session.isEmpty { _ = try? RawHTTP.request(port: port, method: "DELETE", target: "/session/\(session)", headers: [:]) }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<50 where waitpid(pid, &status, WNOHANG) == 0 { usleep(100_000) }
        if kill(pid, 0) == 0 {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        scratch.remove()
    }

    func open(_ url: String) async throws {
        _ = try await call("POST", "/session/\(session)/url", ["url": url])
    }

    @discardableResult
    func execute(_ script: String) async throws -> Any? {
        let result = try await call("POST", "/session/\(session)/execute/sync", ["script": script, "args": [Any]()])
        return result["value"]
    }

    func waitUntil(_ script: String, seconds: Double) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while (try await execute(script) as? Bool) != true {
            guard Date() < deadline else { throw HTTPTestError("timed out waiting for: \(script)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Waits until every layer has its tiles and OpenSeadragon has drawn the latest change
    /// (an opacity, a new view): what a screenshot then shows is what the viewer shows.
    func waitUntilDrawn(seconds: Double) async throws {
        try await waitUntil("return window.illuminati.ready() && !window.illuminati.viewer.world.needsDraw()", seconds: seconds)
    }

    func screenshot(to path: String) async throws -> Screenshot {
        let result = try await call("GET", "/session/\(session)/screenshot")
        guard let base64 = result["value"] as? String, let data = Data(base64Encoded: base64) else {
            throw HTTPTestError("no screenshot")
        }
        try data.write(to: URL(fileURLWithPath: path))
        return try Screenshot(path: path)
    }

    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        let port = port
        let bytes = try body.map { [UInt8](try JSONSerialization.data(withJSONObject: $0)) } ?? []
        let headers = body == nil ? [:] : ["Content-Type": "application/json"]
        let response = try await onOwnThread {
            try RawHTTP.request(port: port, method: method, target: path, headers: headers, body: bytes)
        }
        let json = try response.json()
        guard response.status == 200 else { throw HTTPTestError("WebDriver \(method) \(path): \(response.status) \(json)") }
        return json
    }
}
