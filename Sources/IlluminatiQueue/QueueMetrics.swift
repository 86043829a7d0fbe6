import Metrics

/// The queue's metrics, through swift-metrics: whichever backend the process bootstraps
/// (e.g. Prometheus, see the IlluminatiMetrics target) receives them; without one they cost
/// next to nothing. Created on first use, so bootstrap the backend before using the queue.
enum QueueMetrics {
    static let enqueued = Counter(label: "illuminati_queue_jobs_enqueued_total")
    static let claimed = Counter(label: "illuminati_queue_jobs_claimed_total")
    static let completed = Counter(label: "illuminati_queue_jobs_completed_total")
    /// Every failed attempt, whatever happens next.
    static let failed = Counter(label: "illuminati_queue_jobs_failed_total")
    /// Failed attempts that will run again after a backoff.
    static let retried = Counter(label: "illuminati_queue_jobs_retried_total")
    static let deadLettered = Counter(label: "illuminati_queue_jobs_dead_lettered_total")
    /// Jobs the reaper took back from silent workers or past their deadline.
    static let reaped = Counter(label: "illuminati_queue_jobs_reaped_total")
    /// Completions, failures and releases dropped because the lease was gone.
    static let leaseLost = Counter(label: "illuminati_queue_leases_lost_total")
    /// Jobs handed back unfinished at shutdown.
    static let released = Counter(label: "illuminati_queue_jobs_released_total")
    static let claimLatency = Metrics.Timer(label: "illuminati_queue_claim_duration_seconds")
    static let jobDuration = Metrics.Timer(label: "illuminati_queue_job_duration_seconds")
    static let running = Gauge(label: "illuminati_queue_jobs_running")
    static let reconnects = Counter(label: "illuminati_queue_reconnects_total")

    /// Creates every series now, so that a scrape before the first claim sees them at zero
    /// rather than an empty page (the statics above are otherwise created on first use).
    static func createAll() {
        _ = [enqueued, claimed, completed, failed, retried, deadLettered, reaped, leaseLost, released, reconnects]
        _ = (claimLatency, jobDuration, running)
    }
}
