import Hummingbird
import IlluminatiMetrics

/// Records every request in `http_server_request_duration_seconds`, by route, method and
/// status, whatever the status (a 404 or a 503 is a request like any other: errors are the
/// series with an error status), and counts the requests in progress. It stands in for
/// Hummingbird's middleware of the same name, whose families broke Prometheus' naming rules,
/// had no help text, whose error counter missed every error a route answers itself, and
/// which never saw a HEAD request end.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let active = MetricCatalog.httpActiveRequests.meter()

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
        MetricCatalog.httpRequestDuration
            .timer(context.endpointPath ?? "NotFound", request.method.rawValue, String(status.code))
            .record(ContinuousClock.now - started)
        active.decrement()
    }
}
