import Foundation
import IlluminatiMetrics
import IlluminatiTestSupport
import Testing

/// deploy/: the alert rules against their own tests, the Prometheus configuration, the Grafana
/// dashboard against the metric catalog, and docker-compose.yml that runs them.
@Suite(.tags(.process)) struct DeployFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Each alert has a case where it fires and one where it does not (alerts.test.yml).
    @Test func alertRulesPassTheirTests() throws {
        let promtool = try FieldTools.system("promtool")
        let tested = try FieldTools.run(promtool, ["test", "rules", Self.path("deploy/prometheus/alerts.test.yml")], timeout: .seconds(120))
        #expect(tested.status == 0 && tested.output.contains("SUCCESS"), "\(tested.output)")
        let config = try FieldTools.run(promtool, ["check", "config", Self.path("deploy/prometheus/prometheus.yml")], timeout: .seconds(120))
        #expect(config.status == 0 && config.output.contains("SUCCESS: 5 rules found"), "\(config.output)")
    }

    /// Every alert of alerts.yml has test cases, and every one of them both fires and stays quiet.
    @Test func everyAlertIsTestedFiringAndQuiet() throws {
        let rules = try String(contentsOfFile: Self.path("deploy/prometheus/alerts.yml"), encoding: .utf8)
        let tests = try String(contentsOfFile: Self.path("deploy/prometheus/alerts.test.yml"), encoding: .utf8)
        let alerts = Self.values(after: "- alert: ", in: rules)
        #expect(alerts.count == 5)
        let cases = tests.components(separatedBy: "- eval_time:").dropFirst()
        for alert in alerts {
            let own = cases.filter { $0.contains("alertname: \(alert)\n") }
            #expect(own.contains { $0.contains("exp_alerts: []") }, "\(alert) has no case where it stays quiet")
            #expect(own.contains { $0.contains("exp_labels:") }, "\(alert) has no case where it fires")
        }
    }

    /// The dashboard is JSON Grafana can import, and every metric it or the alerts query is
    /// one the catalog declares (a histogram's `_bucket`, `_sum` and `_count` included).
    @Test func everyMetricTheDeployFilesQueryExists() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("deploy/grafana/illuminati-queue.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(panels.count >= 10)
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(expressions.count >= panels.count)
        let rules = try String(contentsOfFile: Self.path("deploy/prometheus/alerts.yml"), encoding: .utf8)

        let declared = Set(MetricCatalog.all.flatMap { family in
            family.kind == .histogram ? ["_bucket", "_sum", "_count"].map { family.name + $0 } : [family.name]
        })
        let queried = Set((expressions + [rules]).flatMap(Self.metricNames))
        #expect(!queried.isEmpty)
        #expect(queried.subtracting(declared).isEmpty, "not in MetricCatalog: \(queried.subtracting(declared).sorted())")
        let dashboardNames = Set(expressions.flatMap(Self.metricNames))
        for family in MetricCatalog.queueState {
            #expect(dashboardNames.contains(family.name), "the dashboard does not show \(family.name)")
        }
    }

    /// docker-compose.yml stays valid and runs Prometheus with the alert rules.
    @Test func composeRunsPrometheusWithTheAlertRules() throws {
        let compose = try FieldTools.system("docker-compose")
        let checked = try FieldTools.run(compose, ["-f", Self.path("docker-compose.yml"), "config"], timeout: .seconds(120))
        #expect(checked.status == 0, "\(checked.output)")
        #expect(checked.output.contains("prom/prometheus"), "\(checked.output)")
        #expect(checked.output.contains("deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml"), "\(checked.output)")
        #expect(checked.output.contains("- metrics"), "\(checked.output)")
    }

    static func metricNames(_ text: String) -> [String] {
        text.matches(of: #/\b(?:illuminati|http_server)_[a-z_]+[a-z]\b/#).map { String($0.output) }
    }

    static func values(after prefix: String, in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            line.trimmingCharacters(in: .whitespaces).hasPrefix(prefix)
                ? String(line.trimmingCharacters(in: .whitespaces).dropFirst(prefix.count)) : nil
        }
    }
}
