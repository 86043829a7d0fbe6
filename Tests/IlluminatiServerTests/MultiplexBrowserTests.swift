import Foundation
import IlluminatiCore
import IlluminatiTestSupport
import Testing

/// The viewer on an experiment of two plates and two cycles, in headless Chromium: the home view
/// shows every plate; the navigator shows the tinted composite; slider values stand beside their
/// sliders; two layers of different cycles, switched on together in the panel, each add their own
/// colour where both have signal (the wells); and the URL the viewer keeps reopens the same
/// layers, colours, windows and view. Pixels are read from the viewer's canvases by page code.
@Suite(.tags(.database, .process, .browser)) struct MultiplexBrowserTests {
    /// Mean red, green and blue of the main canvas over a rectangle of base-level image pixels
    /// (clipped to the canvas: a rectangle outside the view reads as black).
    static let regionMean = """
        (function (x0, y0, x1, y1) {
          const viewer = window.illuminati.viewer, item = viewer.world.getItemAt(0), ratio = OpenSeadragon.pixelDensityRatio;
          const a = item.imageToViewerElementCoordinates(new OpenSeadragon.Point(x0, y0));
          const b = item.imageToViewerElementCoordinates(new OpenSeadragon.Point(x1, y1));
          const canvas = viewer.drawer.canvas;
          const left = Math.max(0, Math.round(a.x * ratio)), top = Math.max(0, Math.round(a.y * ratio));
          const right = Math.min(canvas.width, Math.round(b.x * ratio)), bottom = Math.min(canvas.height, Math.round(b.y * ratio));
          if (right <= left || bottom <= top) return [0, 0, 0];
          const data = canvas.getContext('2d').getImageData(left, top, right - left, bottom - top).data;
          const sum = [0, 0, 0];
          for (let i = 0; i < data.length; i += 4) { sum[0] += data[i]; sum[1] += data[i + 1]; sum[2] += data[i + 2]; }
          return sum.map((s) => s / (data.length / 4));
        })
        """

    /// Pixels of the navigator's canvas whose colour channels differ by more than 40: none when it
    /// draws the layers gray.
    static let tintedNavigatorPixels = """
        const canvas = window.illuminati.viewer.navigator.drawer.canvas;
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let tinted = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 40) tinted++;
        }
        return tinted;
        """

    /// Every value label against its slider and the panel: [overlapping pairs, labels wider than their box].
    static let sliderLayout = """
        let overlapping = 0, clipped = 0, ranges = 0;
        for (const range of document.querySelectorAll('.layer .window:not([hidden]) .range')) {
          ranges++;
          const slider = range.querySelector('input').getBoundingClientRect(), output = range.querySelector('output');
          const label = output.getBoundingClientRect();
          if (slider.right > label.left && slider.left < label.right) overlapping++;
          if (output.scrollWidth > output.clientWidth || label.right > document.getElementById('panel').getBoundingClientRect().right) clipped++;
        }
        return [ranges, overlapping, clipped];
        """

    /// What is switched on, as the viewer holds it: "name colour min max" per layer.
    static let shownLayers = """
        return window.illuminati.layers.filter((l) => l.visible).map((l) => [l.info.name, l.colour, l.min, l.max].join(' '));
        """

    /// The visible part of the image in base-level pixels: x, y, width, height.
    static let visibleRect = """
        const viewer = window.illuminati.viewer, r = viewer.world.getItemAt(0).viewportToImageRectangle(viewer.viewport.getBounds(true));
        return [r.x, r.y, r.width, r.height];
        """

    struct Page {
        let browser: WebDriver
        let origin: String

        func open(_ query: String) async throws {
            try await browser.open(origin + "/" + query)
            try await drawn()
        }

        func drawn() async throws {
            try await browser.waitUntil("return window.illuminati && window.illuminati.ready()", seconds: 60)
            try await browser.waitUntilDrawn(seconds: 30)
        }

        func numbers(_ script: String) async throws -> [Double] {
            let value = try #require(try await browser.execute(script) as? [Any], "\(script)")
            return value.map { ($0 as? NSNumber)?.doubleValue ?? .nan }
        }

        func mean(_ rect: (x: Int, y: Int, width: Int, height: Int)) async throws -> [Double] {
            try await numbers("return \(MultiplexBrowserTests.regionMean)(\(rect.x), \(rect.y), \(rect.x + rect.width), \(rect.y + rect.height))")
        }
    }

    /// The middle half of a well, where the sample's cells are, in base-level pixels.
    static func interior(_ well: PlateLayout.PlacedWell) -> (x: Int, y: Int, width: Int, height: Int) {
        (well.offset.x + well.size.width / 4, well.offset.y + well.size.height / 4, well.size.width / 2, well.size.height / 2)
    }

    @Test(.browserInstalled, .timeLimit(.minutes(4)))
    func layersOfTwoCyclesOverlayAndTheURLKeepsThem() async throws {
        let f = try await ServerFixture.make(named: "multiplexed-plate") { spec in
            spec.plates = 2
            spec.cycles = 2
        }
        do {
            let browser = try await WebDriver.start(log: "chromedriver-multiplex.log")
            defer { browser.stop() }
            try await Self.check(f, Page(browser: browser, origin: "http://127.0.0.1:\(f.port)"))
        } catch {
            await f.server.stop()
            throw error
        }
        await f.server.stop()
    }

    static func check(_ f: ServerFixture, _ page: Page) async throws {
        let id = f.experimentID
        #expect(Set(f.layers) == ["DAPI_c0", "GFP_c0", "DAPI_c1", "GFP_c1"], "\(f.layers)")
        #expect(f.layout.plates.count == 2)

        // Home: the whole map is in view, and every plate's wells are drawn, well above the black around them.
        try await page.open("?experiment=\(id)")
        _ = try await page.browser.screenshot(to: "\(BrowserTests.artifacts)/multiplex-home.png")
        let size = f.layout.size
        let map = try await page.numbers("""
            const viewer = window.illuminati.viewer, item = viewer.world.getItemAt(0);
            const a = item.imageToViewerElementCoordinates(new OpenSeadragon.Point(0, 0));
            const b = item.imageToViewerElementCoordinates(new OpenSeadragon.Point(\(size.width), \(size.height)));
            return [a.x, a.y, b.x, b.y, viewer.container.clientWidth, viewer.container.clientHeight];
            """)
        #expect(map[0] >= -1 && map[1] >= -1 && map[2] <= map[4] + 1 && map[3] <= map[5] + 1,
                "the map's corners \(map[0...3]) in a view of \(map[4])×\(map[5])")
        for plate in f.layout.plates {
            let brightness = try await page.mean(interior(plate.wells[0])).reduce(0, +)
            #expect(brightness > 20, "plate \(plate.name): mean R+G+B \(brightness) in its first well")
        }
        let first = f.layout.plates[0].wells[0]
        let spacer = try await page.mean((x: first.offset.x + first.size.width + 100, y: first.offset.y + first.size.height / 4,
                                          width: 300, height: first.size.height / 2)).reduce(0, +)
        #expect(spacer < 10, "the spacer beside the first well is black: \(spacer)")

        // The navigator shows the composite in the layers' colours.
        try await page.browser.waitUntil("""
            const nav = window.illuminati.viewer.navigator.world;
            return nav.getItemCount() === 2 && nav.getItemAt(0).getFullyLoaded() && nav.getItemAt(1).getFullyLoaded() && !nav.needsDraw();
            """, seconds: 30)
        let tinted = try #require(try await page.browser.execute(tintedNavigatorPixels) as? NSNumber).intValue
        #expect(tinted > 100, "\(tinted) tinted pixels in the navigator")

        // Each window's value stands beside its slider, inside the panel.
        let layout = try await page.numbers(sliderLayout)
        #expect(layout == [4, 0, 0], "ranges, overlapping, clipped: \(layout)")

        // One layer alone, then the other alone, then both: the wells of plate 0 hold signal in both.
        let well = interior(f.layout.plates[0].wells[0])
        try await page.open("?experiment=\(id)&layers=DAPI_c0:ff0000")
        let red = try await page.mean(well)
        try await page.open("?experiment=\(id)&layers=GFP_c1:00ff00")
        let green = try await page.mean(well)
        #expect(red[0] > 10 && red[1] < 1 && red[2] < 1, "DAPI_c0 alone, in red: \(red)")
        #expect(green[1] > 10 && green[0] < 1 && green[2] < 1, "GFP_c1 alone, in green: \(green)")

        // Switched on together in the panel, the way a user does.
        try await page.open("?experiment=\(id)&layers=DAPI_c0:ff0000")
        try await page.browser.execute("""
            const box = document.querySelector('.layer[data-layer="GFP_c1"]');
            box.querySelector('input.visible').click();
            const colour = box.querySelector('input[type=color]');
            colour.value = '#00ff00';
            colour.dispatchEvent(new Event('input'));
            return true;
            """)
        try await page.drawn()
        let both = try await page.mean(well)
        _ = try await page.browser.screenshot(to: "\(BrowserTests.artifacts)/multiplex-two-cycles.png")
        #expect(both[1] - red[1] > 10, "GFP_c1 changes the picture where DAPI_c0 has signal: \(both) against \(red)")
        #expect(abs(both[0] - red[0]) < 2 && abs(both[1] - green[1]) < 2 && both[2] < 1,
                "both: \(both), each alone: \(red) \(green)")

        // A narrower window on GFP_c1 and a view of one well; the URL keeps both.
        try await page.browser.execute("""
            const viewer = window.illuminati.viewer, item = viewer.world.getItemAt(0);
            viewer.viewport.fitBounds(item.imageToViewportRectangle(\(well.x), \(well.y), \(well.width), \(well.height)), true);
            const max = document.querySelector('.layer[data-layer="GFP_c1"] input.max');
            max.value = 128;
            max.dispatchEvent(new Event('input'));
            return true;
            """)
        try await page.browser.waitUntil("return location.search.includes('GFP_c1:00ff00:0:128')", seconds: 10)
        try await page.drawn()
        let layers = try #require(try await page.browser.execute(shownLayers) as? [String])
        #expect(layers == ["DAPI_c0 #ff0000 0 255", "GFP_c1 #00ff00 0 128"], "\(layers)")
        let windowed = try await page.mean(well)
        #expect(windowed[1] > both[1] * 1.5, "a narrower window brightens GFP_c1: \(windowed) after \(both)")
        let view = try await page.numbers(visibleRect)
        let url = try #require(try await page.browser.execute("return location.href") as? String)

        try await page.browser.open("about:blank")
        try await page.browser.open(url)
        try await page.drawn()
        let reopenedLayers = try #require(try await page.browser.execute(shownLayers) as? [String])
        #expect(reopenedLayers == layers, "\(url)")
        let reopenedView = try await page.numbers(visibleRect)
        #expect(zip(view, reopenedView).allSatisfy { abs($0 - $1) <= max(2, view[2] / 100) }, "\(view) → \(reopenedView)")
        let reopened = try await page.mean(well)
        #expect(zip(windowed, reopened).allSatisfy { abs($0 - $1) < 2 }, "\(windowed) → \(reopened) (\(url))")
        let checked = try #require(try await page.browser.execute("""
            return [...document.querySelectorAll('.layer input.visible')].filter((b) => b.checked).map((b) => b.closest('.layer').dataset.layer);
            """) as? [String])
        #expect(checked.sorted() == ["DAPI_c0", "GFP_c1"], "the panel shows the selection: \(checked)")
        _ = try await page.browser.screenshot(to: "\(BrowserTests.artifacts)/multiplex-reopened.png")
    }
}
