import Foundation
import IlluminatiCoordinator
import IlluminatiServer
import IlluminatiStorage
import Logging

extension ServeViewer {
    /// The options were validated (`ServeOptions.validate`) when they were parsed.
    init(_ options: ServeOptions, storage: StorageRoot, conninfo: String, logger: Logger) throws {
        var configuration = ServerConfiguration(host: options.host, port: options.port, storageRoot: storage.path,
                                                conninfo: conninfo)
        configuration.crossOrigin = try options.crossOrigin()
        configuration.publicURL = try options.publicURL.map(PublicURL.init)
        configuration.adminToken = try options.administration()
        self.init(configuration: configuration, logger: logger)
    }

    /// Prints `<label>: <url><path>[ <note>]` once the server listens (`viewer: …` for `serve`
    /// and `demo`, `metrics: …` for `metrics`).
    func run(announcing label: String = "viewer", path: String, note: String? = nil) throws {
        let host = configuration.host
        try run { port in
            // Unbuffered, after whatever print() still holds: whoever waits for this line (a
            // script, a test) sees it at once and in order.
            fflush(nil)
            let line = "\(label): \(Self.origin(host: host, port: port))\(path)" + (note.map { " " + $0 } ?? "")
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
