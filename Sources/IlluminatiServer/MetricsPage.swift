import Hummingbird
import IlluminatiMetrics
import IlluminatiQueue
import Logging

/// `GET /metrics`: the process's own metrics, if any, then the queue's state read from the
/// database for this scrape (one statement, bounded by the pool's statement timeout). A
/// database that cannot be read still answers 200, with `illuminati_queue_up 0`.
struct MetricsPage: Sendable {
    let process: PrometheusExport?
    let database: DatabasePool
    let logger: Logger

    func text() async -> String {
        let queue: [GaugeReading]
        do {
            queue = try await database.with { try QueueGauges.read($0) }
        } catch {
            logger.warning("metrics: cannot read the queue's state: \(error)")
            queue = QueueGauges.unavailable
        }
        return (process?.text() ?? "") + queue.map(\.text).joined()
    }

    func add(to router: Router<BasicRequestContext>) {
        router.get("/metrics") { request, _ in
            Responses.bytes(Array(await text().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8", etag: nil,
                            request: request, cacheControl: "no-store")
        }
    }
}
