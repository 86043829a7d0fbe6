import ArgumentParser
import Foundation
import IlluminatiCoordinator
import IlluminatiDatabase

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve tiles, experiment metadata, map objects and the web viewer over HTTP.",
        discussion: """
            Routes: the viewer at /; /api/experiments[/{id}[/mapobjects/{type}?bbox=]]; TissueMAPS tiles at \
            /api/experiments/{id}/channel_layers/{layer}/tiles?x=&y=&z=; DeepZoom at /dzi/{id}/{layer}.dzi; \
            XYZ at /xyz/{id}/{layer}/{z}/{x}/{y}.jpg (+ tiles.json); IIIF Image API 3.0 level 0 at \
            /iiif/{id}/{layer}/info.json; Prometheus metrics, with the queue's state, at /metrics. Pages of any origin may read tiles and \
            JSON (CORS; --cors-origin narrows or turns it off). Behind a proxy, absolute URLs follow Forwarded / \
            X-Forwarded-Proto / X-Forwarded-Host, or --public-url. Runs until interrupted.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var storageOption: StorageOption
    @OptionGroup var serve: ServeOptions

    func run() throws {
        let storage = try storageOption.root(stateDir: global.stateDir)
        try global.withDatabase { session in
            let count = try ExperimentStore(session.connection).list().count
            try ServeViewer(serve, storage: storage, conninfo: session.conninfo, logger: global.logger)
                .run(path: "/", note: "(\(count) experiment(s); Ctrl-C stops)")
        }
    }
}
