/// Which PostgreSQL to use, decided once per process from flags and environment.
public enum DatabaseTarget: Sendable, Equatable {
    /// A libpq connection string or `postgresql://` URL (flag or `DATABASE_URL`).
    case url(String)
    /// libpq's own `PG*` environment variables (PGHOST, PGDATABASE, …).
    case environment
    /// No database configured: the private cluster under this state folder.
    case embedded(stateDirectory: String)

    static let libpqVariables = ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"]

    /// Flag first, then `DATABASE_URL`, then any `PG*` variable, else the embedded cluster.
    public static func resolve(databaseURL: String?, stateDirectory: String,
                               environment: [String: String]) -> DatabaseTarget {
        if let url = databaseURL, !url.isEmpty { return .url(url) }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return .url(url) }
        if libpqVariables.contains(where: { !(environment[$0] ?? "").isEmpty }) { return .environment }
        return .embedded(stateDirectory: stateDirectory)
    }
}
