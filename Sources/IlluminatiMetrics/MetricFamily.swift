import Metrics

/// One metric family as Prometheus shows it: its name, type, unit, the labels of its series and
/// the text of its `# HELP` line. Names follow Prometheus' conventions, checked here: the unit
/// is the name's last part, before `_total` for a counter.
public struct MetricFamily: Sendable {
    public enum Kind: String, Sendable {
        case counter, gauge
        /// A histogram of durations, in seconds: swift-metrics' `Timer`.
        case histogram
    }

    public let name: String
    public let kind: Kind
    /// nil for a count of things.
    public let unit: String?
    public let labels: [String]
    public let help: String

    init(_ name: String, _ kind: Kind, unit: String? = nil, labels: [String] = [], help: String) {
        let suffix = [unit, kind == .counter ? "total" : nil].compactMap { $0.map { "_" + $0 } }.joined()
        precondition(suffix.isEmpty || name.hasSuffix(suffix), "metric \(name) must end with \(suffix)")
        precondition(kind != .histogram || unit == "seconds", "histogram \(name) must be of durations in seconds")
        precondition(!help.isEmpty, "metric \(name) needs a help text")
        self.name = name
        self.kind = kind
        self.unit = unit
        self.labels = labels
        self.help = help
    }

    /// The family's series with these label values (one per `labels`, in that order), through
    /// swift-metrics: whichever backend the process bootstrapped receives it.
    public func counter(_ values: String...) -> Counter {
        precondition(kind == .counter, "\(name) is a \(kind)")
        return Counter(label: name, dimensions: dimensions(values))
    }

    /// A gauge that is set.
    public func gauge(_ values: String...) -> Gauge {
        precondition(kind == .gauge, "\(name) is a \(kind)")
        return Gauge(label: name, dimensions: dimensions(values))
    }

    /// A gauge that goes up and down.
    public func meter(_ values: String...) -> Meter {
        precondition(kind == .gauge, "\(name) is a \(kind)")
        return Meter(label: name, dimensions: dimensions(values))
    }

    public func timer(_ values: String...) -> Metrics.Timer {
        precondition(kind == .histogram, "\(name) is a \(kind)")
        return Metrics.Timer(label: name, dimensions: dimensions(values))
    }

    private func dimensions(_ values: [String]) -> [(String, String)] {
        precondition(values.count == labels.count, "\(name) has the labels \(labels)")
        return Array(zip(labels, values))
    }
}
