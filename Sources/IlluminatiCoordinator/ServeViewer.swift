import Dispatch
import Foundation
import IlluminatiServer
import Logging

/// Runs the tile server and viewer until the process is interrupted; the interruption guard
/// stops the private cluster and exits, so this only returns when the server fails.
public struct ServeViewer {
    public var configuration: ServerConfiguration
    public var logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// `announce` gets the port once the server listens (the chosen one when the port is 0).
    public func run(announce: @escaping @Sendable (Int) -> Void) throws {
        let finished = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        let server = TileServer(configuration: configuration, logger: logger)
        // The command line is synchronous; the server runs on Swift's concurrency threads
        // while this thread waits.
        Task {
            do {
                let running = try await server.start()
                announce(running.port)
                try await running.wait()
            } catch {
                failure.set(error)
            }
            finished.signal()
        }
        finished.wait()
        if let error = failure.error { throw error }
    }

    /// "http://host:port", with a loopback name for the wildcard addresses.
    public static func origin(host: String, port: Int) -> String {
        let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return shown.contains(":") ? "http://[\(shown)]:\(port)" : "http://\(shown):\(port)"
    }
}

private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    func set(_ error: any Error) { lock.withLock { stored = error } }
    var error: (any Error)? { lock.withLock { stored } }
}
