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

    // The queue's state, read from PostgreSQL at each scrape (IlluminatiQueue's QueueGauges) by
    // `illuminati serve` and `illuminati metrics`; every process reading the same database
    // exports the same values. Per-build series are those of the builds not over (planned,
    // running or paused), each at zero where nothing is counted.
    public static let queueUp = MetricFamily(
        "illuminati_queue_up", .gauge,
        help: "1 when this scrape read the queue's state from PostgreSQL; 0 when it could not, and the other queue state "
            + "families are left out.")
    public static let queueJobs = MetricFamily(
        "illuminati_queue_jobs", .gauge, labels: ["build", "layer", "state"],
        help: "Live jobs and dead letters of each build not over, by layer and state (waiting, available, held, "
            + "running, failed).")
    public static let queueDeadLetters = MetricFamily(
        "illuminati_queue_dead_letters", .gauge,
        help: "Dead letters: failed jobs that hold their stage until retried or cancelled.")
    public static let queueClaimableJobs = MetricFamily(
        "illuminati_queue_claimable_jobs", .gauge, help: "Jobs a worker could claim now (available and due).")
    public static let queueOldestClaimableAge = MetricFamily(
        "illuminati_queue_oldest_claimable_age_seconds", .gauge, unit: "seconds",
        help: "How long the oldest claimable job has been due; 0 when none is.")
    public static let queueWorkersAlive = MetricFamily(
        "illuminati_queue_workers_alive", .gauge, help: "Workers heard from within their lease.")
    public static let buildState = MetricFamily(
        "illuminati_build_state", .gauge, labels: ["build", "state"],
        help: "1 for the state a build not over is in (planned, running or paused), 0 for the others.")
    public static let buildJobsRemaining = MetricFamily(
        "illuminati_build_jobs_remaining", .gauge, labels: ["build"],
        help: "Jobs of the build not yet done: live jobs and dead letters.")
    public static let buildThroughput = MetricFamily(
        "illuminati_build_jobs_per_second", .gauge, labels: ["build"],
        help: "Jobs of the build that succeeded per second, over the last 5 minutes.")
    public static let buildETA = MetricFamily(
        "illuminati_build_eta_seconds", .gauge, unit: "seconds", labels: ["build"],
        help: "Time until the build's remaining jobs are done at the last 5 minutes' rate; -1 while no job of it "
            + "succeeded in those 5 minutes.")
    public static let buildProgressAge = MetricFamily(
        "illuminati_build_progress_age_seconds", .gauge, unit: "seconds", labels: ["build"],
        help: "Time since the build's latest job finished, or since it started if none has since; 0 while planned.")

    public static let queueState = [
        queueUp, queueJobs, queueDeadLetters, queueClaimableJobs, queueOldestClaimableAge, queueWorkersAlive, buildState,
        buildJobsRemaining, buildThroughput, buildETA, buildProgressAge,
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

    public static let all = queue + queueState + tileServer
}
