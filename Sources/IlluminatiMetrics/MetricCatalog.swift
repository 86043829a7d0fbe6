/// Every metric family the programs export, in one place: a worker exports the queue's, the
/// tile server its own and its HTTP requests'. Code records through these declarations
/// (`MetricCatalog.queueJobsClaimed.counter()`), never through a name of its own, so each
/// family has one name, one type and its help text wherever it is used.
public enum MetricCatalog {
    // The job queue (IlluminatiQueue), counted by the process that does it.
    public static let queueJobsEnqueued = MetricFamily(
        "illuminati_queue_jobs_enqueued_total", .counter, help: "Jobs this process added to the queue.")
    public static let queueJobsClaimed = MetricFamily(
        "illuminati_queue_jobs_claimed_total", .counter, help: "Jobs this process claimed from the queue.")
    public static let queueJobsCompleted = MetricFamily(
        "illuminati_queue_jobs_completed_total", .counter, help: "Jobs this process completed.")
    public static let queueJobsFailed = MetricFamily(
        "illuminati_queue_jobs_failed_total", .counter,
        help: "Failed attempts at a job, whether or not it runs again (retried plus dead-lettered).")
    public static let queueJobsRetried = MetricFamily(
        "illuminati_queue_jobs_retried_total", .counter, help: "Failed attempts whose job runs again after a backoff.")
    public static let queueJobsDeadLettered = MetricFamily(
        "illuminati_queue_jobs_dead_lettered_total", .counter,
        help: "Jobs failed for good: out of attempts, bad input, or a kind no handler knows.")
    public static let queueJobsReaped = MetricFamily(
        "illuminati_queue_jobs_reaped_total", .counter,
        help: "Jobs taken back from workers that went silent or ran past the job's deadline.")
    public static let queueLeasesLost = MetricFamily(
        "illuminati_queue_leases_lost_total", .counter,
        help: "Completions, failures and releases dropped because the job's lease was gone.")
    public static let queueJobsReleased = MetricFamily(
        "illuminati_queue_jobs_released_total", .counter, help: "Jobs handed back unfinished when the worker stopped.")
    public static let queueReconnects = MetricFamily(
        "illuminati_queue_reconnects_total", .counter, help: "Connections to PostgreSQL made again after one was lost.")
    public static let queueJobsRunning = MetricFamily(
        "illuminati_queue_jobs_running", .gauge, help: "Jobs running in this process now.")
    public static let queueClaimDuration = MetricFamily(
        "illuminati_queue_claim_duration_seconds", .histogram, unit: "seconds",
        help: "Time one claim statement took, from sent to its rows received.")
    public static let queueJobDuration = MetricFamily(
        "illuminati_queue_job_duration_seconds", .histogram, unit: "seconds",
        help: "Time a job ran in this process, from its start to its result.")

    public static let queue = [
        queueJobsEnqueued, queueJobsClaimed, queueJobsCompleted, queueJobsFailed, queueJobsRetried, queueJobsDeadLettered,
        queueJobsReaped, queueLeasesLost, queueJobsReleased, queueReconnects, queueJobsRunning, queueClaimDuration,
        queueJobDuration,
    ]

    // The tile server (IlluminatiServer).
    public static let tilesServed = MetricFamily(
        "illuminati_serve_tiles_total", .counter, help: "Tiles served from those a pyramid stores (blank tiles are counted apart).")
    public static let blankTilesServed = MetricFamily(
        "illuminati_serve_blank_tiles_total", .counter, help: "Blank tiles served where a pyramid stores no tile.")
    public static let httpRequestDuration = MetricFamily(
        "http_server_request_duration_seconds", .histogram, unit: "seconds",
        labels: ["http_route", "http_request_method", "http_response_status_code"],
        help: "HTTP requests, by route, method and status (error statuses included), and the time from a request's "
            + "arrival until its response was written.")
    public static let httpActiveRequests = MetricFamily(
        "http_server_active_requests", .gauge, help: "HTTP requests being answered now.")

    public static let tileServer = [tilesServed, blankTilesServed, httpRequestDuration, httpActiveRequests]

    public static let all = queue + tileServer
}
