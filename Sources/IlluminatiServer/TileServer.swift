import Foundation
import Hummingbird
import IlluminatiMetrics
import Logging
import NIOCore

/// The tile server: tile routes, experiment metadata, map objects, the viewer and `/metrics`.
public struct TileServer: Sendable {
    public let configuration: ServerConfiguration
    private let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "illuminati.serve")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// swift-metrics allows one backend per process; every server in the process shares it.
    static let metrics: PrometheusExport = PrometheusExport.bootstrap()

    func router() -> Router<BasicRequestContext> {
        let metrics = Self.metrics
        let database = DatabaseAccess(conninfo: configuration.conninfo)
        let catalog = Catalog(database: database, storageRoot: configuration.storageRoot,
                              lifetime: configuration.catalogLifetimeSeconds)
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorMiddleware())
        TileRoutes(catalog: catalog).add(to: router)
        ExperimentRoutes(catalog: catalog, database: database).add(to: router)
        ViewerFiles().add(to: router)
        router.get("/metrics") { request, _ in
            Responses.bytes(Array(metrics.text().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8", etag: nil,
                            request: request, cacheControl: "no-store")
        }
        return router
    }

    private func application(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        Application(router: router(),
                    configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                            serverName: "illuminati"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Starts serving in the background and returns once the server listens. Signals are the
    /// caller's business: the command line exits on SIGINT/SIGTERM after releasing its database.
    public func start() async throws -> RunningServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = application { port in continuation.yield(port); continuation.finish() }
        let task = Task {
            // A server that cannot bind throws before it runs: end the stream so start() hears of it.
            defer { continuation.finish() }
            try await app.run()
        }
        for await port in ports { return RunningServer(port: port, task: task) }
        task.cancel()
        let address = "\(configuration.host):\(configuration.port)"
        do {
            _ = try await task.value
        } catch {
            throw ServerError(message: "cannot listen on \(address): \(error)")
        }
        throw ServerError(message: "the server stopped before it listened on \(address)")
    }
}

/// A server started with `TileServer.start()`.
public struct RunningServer: Sendable {
    public let port: Int
    let task: Task<Void, any Error>

    /// Returns when the server stops (it is cancelled, or fails).
    public func wait() async throws {
        try await task.value
    }

    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

public struct ServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A route's `RouteError` becomes its JSON error; database and other unexpected errors become a
/// JSON 500 instead of Hummingbird's plain text, and are logged.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as RouteError {
            return Responses.error(error.status, error.message, request: request)
        } catch let error as HTTPError {
            return Responses.error(error.status, error.body ?? error.status.reasonPhrase, request: request)
        } catch {
            context.logger.error("\(request.method) \(request.uri.path): \(error)")
            return Responses.error(.internalServerError, "\(error)", request: request)
        }
    }
}
