import Metrics
import Prometheus

/// swift-metrics' backend: each metric goes to the Prometheus registry with the help text its
/// family declares in `MetricCatalog` (swift-prometheus' own factory gives every family an
/// empty one, and its registry refuses two help texts for one name). A name the catalog does
/// not declare gets no help, which `promtool check metrics` reports.
struct DeclaredMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    let helpTexts: [String: String]
    let durationBuckets: [Duration]
    let valueBuckets = PrometheusMetricsFactory().defaultValueHistogramBuckets

    init(registry: PrometheusCollectorRegistry, families: [MetricFamily], durationBuckets: [Duration]) {
        self.registry = registry
        self.helpTexts = Dictionary(families.map { ($0.name, $0.help) }, uniquingKeysWith: { first, _ in first })
        self.durationBuckets = durationBuckets
    }

    /// Creates the family's series now, at zero, so that a scrape before its first use sees it.
    func create(_ family: MetricFamily) {
        switch family.kind {
        case .counter: _ = makeCounter(label: family.name, dimensions: [])
        case .gauge: _ = makeMeter(label: family.name, dimensions: [])
        case .histogram: _ = makeTimer(label: family.name, dimensions: [])
        }
    }

    private func help(_ label: String) -> String { helpTexts[label] ?? "" }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(name: label, labels: dimensions, help: help(label))
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(name: label, labels: dimensions, help: help(label))
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(name: label, labels: dimensions, help: help(label)) }
        return registry.makeValueHistogram(name: label, labels: dimensions, buckets: valueBuckets, help: help(label))
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(name: label, labels: dimensions, help: help(label))
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(name: label, labels: dimensions, buckets: durationBuckets, help: help(label))
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
