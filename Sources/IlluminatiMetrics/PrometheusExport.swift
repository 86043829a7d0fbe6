import Metrics
import Prometheus

/// Sends the process's swift-metrics (the queue's counters, gauges and timers among them) to
/// a Prometheus registry and renders it in Prometheus' text format, each family with the help
/// text `MetricCatalog` declares for it.
public final class PrometheusExport: Sendable {
    public let registry: PrometheusCollectorRegistry

    private init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    /// Makes Prometheus the process's metrics backend and creates `families` at zero (those
    /// without labels: a labelled series exists once its label values do), so that the first
    /// scrape shows every family the program exports. Call once, at start, before metrics are
    /// first used (swift-metrics allows one bootstrap per process).
    public static func bootstrap(creating families: [MetricFamily]) -> PrometheusExport {
        let registry = PrometheusCollectorRegistry()
        let factory = DeclaredMetricsFactory(registry: registry, families: MetricCatalog.all, durationBuckets: [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
        ])
        MetricsSystem.bootstrap(factory)
        for family in families where family.labels.isEmpty { factory.create(family) }
        return PrometheusExport(registry: registry)
    }

    /// Everything recorded so far, in the Prometheus text exposition format.
    public func text() -> String { registry.emitToString() }
}
