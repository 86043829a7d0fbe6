import Hummingbird
import IlluminatiMetrics
import Metrics
import Synchronization

/// Records every request in `http_server_request_duration_seconds`, by route, method and
/// status, whatever the status (a 404 or a 503 is a request like any other: errors are the
/// series with an error status), and counts the requests in progress. It stands in for
/// Hummingbird's middleware of the same name, whose families broke Prometheus' naming rules,
/// had no help text, whose error counter missed every error a route answers itself, and
/// which never saw a HEAD request end.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let active = MetricCatalog.httpActiveRequests.meter()
    /// One timer per route, method and status, made once: making one asks the registry, which
    /// checks the family's name, labels and help text each time (a few % of a tile's CPU).
    let timers = RequestTimers()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        active.increment()
        do {
            var response = try await next(request, context)
            let status = response.status, body = response.body
            // A HEAD's answer is GET's with the body dropped after this returns: it is done now.
            guard request.method != .head else {
                finish(request, context, status, since: started)
                return response
            }
            // Any other response is done once its body is written, after this returns.
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                defer { finish(request, context, status, since: started) }
                try await body.write(writer)
            }
            return response
        } catch {
            finish(request, context, (error as? any HTTPResponseError)?.status ?? .internalServerError, since: started)
            throw error
        }
    }

    private func finish(_ request: Request, _ context: Context, _ status: HTTPResponse.Status,
                        since started: ContinuousClock.Instant) {
        // Hummingbird names the route of a request no route matched "NotFound".
        timers.timer(route: context.endpointPath ?? "NotFound", method: request.method.rawValue, status: status.code)
            .record(ContinuousClock.now - started)
        active.decrement()
    }
}

/// The request-duration timers by route, method and status. Routes are the router's and
/// statuses few, but a client may send any method: past `capacity` timers are made, not kept.
final class RequestTimers: Sendable {
    private struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private let table = Mutex<[Key: Metrics.Timer]>([:])
    static let capacity = 1024

    func timer(route: String, method: String, status: Int) -> Metrics.Timer {
        let key = Key(route: route, method: method, status: status)
        if let timer = table.withLock({ $0[key] }) { return timer }
        let timer = MetricCatalog.httpRequestDuration.timer(route, method, String(status))
        table.withLock { if $0.count < Self.capacity { $0[key] = timer } }
        return timer
    }
}
