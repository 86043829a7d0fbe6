/// LISTEN/NOTIFY channels. Notifications are hints that save a poll; nothing depends on them.
public enum QueueChannel {
    /// Work became claimable (a stage was released, jobs were enqueued, retried or resumed).
    public static let jobs = "illuminati_jobs"
    /// A stage finished; the payload is the build id.
    public static let progress = "illuminati_progress"
    /// A build was cancelled or paused; the payload is the build id.
    public static let control = "illuminati_control"
}
