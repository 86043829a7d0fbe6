import IlluminatiMetrics
import Metrics

/// The queue's metrics (declared, with their help texts, in `MetricCatalog`), through
/// swift-metrics: whichever backend the process bootstraps receives them; without one they
/// cost next to nothing. Created on first use, so bootstrap the backend before using the queue.
enum QueueMetrics {
    static let enqueued = MetricCatalog.queueJobsEnqueued.counter()
    static let claimed = MetricCatalog.queueJobsClaimed.counter()
    static let completed = MetricCatalog.queueJobsCompleted.counter()
    static let failed = MetricCatalog.queueJobsFailed.counter()
    static let retried = MetricCatalog.queueJobsRetried.counter()
    static let deadLettered = MetricCatalog.queueJobsDeadLettered.counter()
    static let reaped = MetricCatalog.queueJobsReaped.counter()
    static let leaseLost = MetricCatalog.queueLeasesLost.counter()
    static let released = MetricCatalog.queueJobsReleased.counter()
    static let claimLatency = MetricCatalog.queueClaimDuration.timer()
    static let jobDuration = MetricCatalog.queueJobDuration.timer()
    static let running = MetricCatalog.queueJobsRunning.gauge()
    static let reconnects = MetricCatalog.queueReconnects.counter()
}
