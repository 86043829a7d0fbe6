import Foundation
import HTTPTypes
import Hummingbird
import IlluminatiMetrics
import IlluminatiPostgres
import Logging
import NIOCore

/// The tile server: tile routes, experiment metadata, map objects, the viewer, the queue dashboard
/// and `/metrics`; or, with `metricsOnly`, `/metrics` alone.
public struct TileServer: Sendable {
    public let configuration: ServerConfiguration
    private let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "illuminati.serve")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// swift-metrics allows one backend per process; every server in the process shares it.
    static let metrics: PrometheusExport = PrometheusExport.bootstrap(creating: MetricCatalog.tileServer)

    func router(database: DatabasePool) -> Router<BasicRequestContext> {
        guard !configuration.metricsOnly else {
            let router = Router()
            MetricsPage(process: nil, database: database, logger: logger).add(to: router)
            return router
        }
        let catalog = Catalog(database: database, storageRoot: configuration.storageRoot,
                              lifetime: configuration.catalogLifetimeSeconds, logger: logger)
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: CrossOriginMiddleware(policy: configuration.crossOrigin))
        router.add(middleware: ErrorMiddleware())
        TileRoutes(catalog: catalog, origin: RequestOrigin(publicURL: configuration.publicURL)).add(to: router)
        ExperimentRoutes(catalog: catalog, database: database, mapObjectLimit: configuration.mapObjectLimit).add(to: router)
        QueueRoutes(database: database, admin: AdminAuthorization(token: configuration.adminToken)).add(to: router)
        ViewerFiles().add(to: router)
        MetricsPage(process: Self.metrics, database: database, logger: logger).add(to: router)
        router.get("/openapi.json") { request, _ in
            Responses.bytes(OpenAPIDocument.bytes, contentType: "application/json; charset=utf-8", etag: OpenAPIDocument.etag,
                            request: request, cacheControl: "no-cache")
        }
        // Last: it sees only requests no route took. HEAD is generated for every GET when the
        // router is built, after this; OPTIONS is the CORS layer's, on every path but its exclusions.
        router.add(middleware: MethodNotAllowedMiddleware(routes: RouteMethods(router.routes) { path, methods -> [HTTPRequest.Method] in
            let head: [HTTPRequest.Method] = methods.contains(.get) ? [.head] : []
            return head + (CrossOriginMiddleware.excludedPaths.contains(path.description) ? [] : [.options])
        }))
        return router
    }

    private func application(database: DatabasePool,
                             onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        Application(router: router(database: database),
                    configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                            serverName: "illuminati"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Starts serving in the background and returns once the server listens. Signals are the
    /// caller's business: the command line exits on SIGINT/SIGTERM after releasing its database.
    /// Starts the server; its handlers run on `executor` when one is given (tests give threads
    /// of their own), else on Swift's global executor.
    public func start(on executor: (any TaskExecutor)? = nil) async throws -> RunningServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let database = DatabasePool(conninfo: configuration.conninfo, connections: configuration.databaseConnections,
                                    statementTimeoutSeconds: configuration.statementTimeoutSeconds)
        let app = application(database: database) { port in continuation.yield(port); continuation.finish() }
        let task = Task(executorPreference: executor) {
            // A server that cannot bind throws before it runs: end the stream so start() hears of it.
            defer { continuation.finish() }
            do {
                try await app.run()
            } catch {
                await database.shutdown()
                throw error
            }
            await database.shutdown()
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

/// A route's `RouteError` becomes its JSON error. Anything else is logged with a request id
/// and answered with a generic message naming that id: database errors carry libpq's text
/// (socket paths, host, user and database names), which is for the log, not for clients. A
/// database that is away or too slow (`statement_timeout`) is a 503, the rest a 500.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as RouteError {
            return Responses.error(error.status, error.message, request: request, headers: error.headers)
        } catch let error as HTTPError {
            return Responses.error(error.status, error.body ?? error.status.reasonPhrase, request: request)
        } catch {
            let id = Self.requestID()
            context.logger.error("request \(id): \(request.method) \(request.uri.path): \(error)")
            if let error = error as? DatabaseError, error.isConnectionProblem || error.sqlState == Self.queryCanceled {
                return Responses.error(.serviceUnavailable,
                                       "the experiment database is unavailable or too slow; try again later (request \(id))",
                                       request: request, requestID: id)
            }
            return Responses.error(.internalServerError, "internal error (request \(id))", request: request, requestID: id)
        }
    }

    /// SQLSTATE of a statement cancelled by `statement_timeout`.
    static let queryCanceled = "57014"

    /// 16 hex digits: unique enough to find one request in a log.
    static func requestID() -> String {
        let digits = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
