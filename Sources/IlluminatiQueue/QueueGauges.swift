import IlluminatiMetrics
import IlluminatiPostgres

/// The queue's state as the gauges `MetricCatalog.queueState` declares, read in one statement
/// (Queries/metrics.sql) whenever `/metrics` is scraped. A database that cannot be read gives
/// `illuminati_queue_up 0` and nothing else, rather than zeros that would look like an idle,
/// healthy queue.
public enum QueueGauges {
    /// Builds not over: each has its series.
    static let buildStates: [BuildInfo.State] = [.planned, .running, .paused]

    public static func read(_ connection: any StatementRunner) throws -> [GaugeReading] {
        let rows = try connection.queueGauges(jobStates: JobState.allCases.map(\.rawValue),
                                              buildStates: buildStates.map(\.rawValue))
        var samples: [String: [GaugeReading.Sample]] = [:]
        for row in rows {
            let labels = [row.build.map(String.init), row.layer, row.state].compactMap { $0 }
            samples[row.gauge, default: []].append(GaugeReading.Sample(labels: labels, value: row.value))
        }
        let families: [(String, MetricFamily)] = [
            ("jobs", MetricCatalog.queueJobs), ("dead_letters", MetricCatalog.queueDeadLetters),
            ("claimable", MetricCatalog.queueClaimableJobs), ("oldest_claimable_age", MetricCatalog.queueOldestClaimableAge),
            ("workers_alive", MetricCatalog.queueWorkersAlive), ("build_state", MetricCatalog.buildState),
            ("build_remaining", MetricCatalog.buildJobsRemaining), ("build_throughput", MetricCatalog.buildThroughput),
            ("build_eta", MetricCatalog.buildETA), ("build_progress_age", MetricCatalog.buildProgressAge),
        ]
        return [up(true)] + families.map { GaugeReading($1, samples[$0] ?? []) }
    }

    /// What a scrape shows when the queue could not be read.
    public static let unavailable = [up(false)]

    private static func up(_ read: Bool) -> GaugeReading {
        GaugeReading(MetricCatalog.queueUp, [GaugeReading.Sample(value: read ? 1 : 0)])
    }
}
