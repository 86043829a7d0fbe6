import IlluminatiDatabase

/// The queue's named statements (`Queries/*.sql`, embedded at build time).
enum QueueSQL {
    static let catalog = StatementCatalog(files: EmbeddedSQL.queries.map { (name: $0.name, text: $0.text) })

    static func named(_ name: String) -> NamedStatement { catalog.named(name) }
}

/// Every statement of this target, for tests that prepare them all.
public enum QueueStatements {
    public static var all: [String: NamedStatement] { QueueSQL.catalog.all }
}

/// LISTEN/NOTIFY channels. Notifications are hints that save a poll; nothing depends on them.
public enum QueueChannel {
    /// Work became claimable (a level was released, jobs were enqueued, retried or resumed).
    public static let jobs = "illuminati_jobs"
    /// A level finished; the payload is the build id.
    public static let progress = "illuminati_progress"
    /// A build was cancelled or paused; the payload is the build id.
    public static let control = "illuminati_control"
}
