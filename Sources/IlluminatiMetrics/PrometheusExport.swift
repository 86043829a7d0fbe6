import Metrics
import Prometheus

/// Sends the process's swift-metrics (the queue's counters, gauges and timers among them) to
/// a Prometheus registry and renders it in Prometheus' text format. A separate target, so
/// programs that export nothing do not link the Prometheus library.
public final class PrometheusExport: Sendable {
    public let registry: PrometheusCollectorRegistry

    private init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    /// Makes Prometheus the process's metrics backend. Call once, at start, before metrics are
    /// first used (swift-metrics allows one bootstrap per process).
    public static func bootstrap() -> PrometheusExport {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
        ]
        MetricsSystem.bootstrap(factory)
        return PrometheusExport(registry: registry)
    }

    /// Everything recorded so far, in the Prometheus text exposition format.
    public func text() -> String { registry.emitToString() }
}
