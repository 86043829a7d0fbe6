/// A gauge family's series as read at scrape time (from the database, say) rather than
/// recorded as things happen: no registry keeps them, so a series that is no longer read is
/// gone from the next scrape instead of lingering at its last value.
public struct GaugeReading: Sendable {
    public struct Sample: Sendable, Equatable {
        /// One value per label of the family, in its order.
        public var labels: [String]
        public var value: Double

        public init(labels: [String] = [], value: Double) {
            self.labels = labels
            self.value = value
        }
    }

    public let family: MetricFamily
    public var samples: [Sample]

    public init(_ family: MetricFamily, _ samples: [Sample]) {
        precondition(family.kind == .gauge, "\(family.name) is a \(family.kind)")
        precondition(samples.allSatisfy { $0.labels.count == family.labels.count }, "\(family.name) has the labels \(family.labels)")
        self.family = family
        self.samples = samples
    }

    /// The family in Prometheus' text exposition format: HELP, TYPE, then one line a series.
    public var text: String {
        var lines = ["# HELP \(family.name) \(Self.escaped(family.help, quotes: false))", "# TYPE \(family.name) gauge"]
        for sample in samples {
            let labels = zip(family.labels, sample.labels).map { "\($0)=\"\(Self.escaped($1, quotes: true))\"" }
            lines.append(family.name + (labels.isEmpty ? "" : "{\(labels.joined(separator: ","))}") + " " + Self.number(sample.value))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func escaped(_ text: String, quotes: Bool) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"" where quotes: out += "\\\""
            default: out.append(character)
            }
        }
        return out
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
