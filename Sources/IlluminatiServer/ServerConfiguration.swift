/// Where the server listens and what it serves.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; `RunningServer.port` tells which.
    public var port: Int
    /// Shared storage root, below which each experiment has its folder (`ExperimentStorage`).
    public var storageRoot: String
    /// libpq connection string of the experiment database ("" = libpq's environment).
    public var conninfo: String
    /// How long experiment metadata is reused before it is read again (in the background:
    /// requests get the last good catalog meanwhile, also while the database is away).
    public var catalogLifetimeSeconds: Double
    /// PostgreSQL's `statement_timeout` for every statement the server runs.
    public var statementTimeoutSeconds: Double = 5
    /// Connections (and threads) for metadata and map-object requests; tiles need none.
    public var databaseConnections = 4
    /// Most map objects one answer holds; `limit` may ask for fewer.
    public var mapObjectLimit = Self.defaultMapObjectLimit
    public static let defaultMapObjectLimit = 10_000
    /// Which other origins' pages may read the answers (CORS).
    public var crossOrigin = CrossOriginPolicy.anyOrigin
    /// Where clients reach the server, when not where they say they do (see `RequestOrigin`).
    public var publicURL: PublicURL?
    /// The bearer token of the queue dashboard's POST routes (retry, cancel, pause, resume);
    /// nil: the dashboard is read-only and those routes answer 403.
    public var adminToken: AdminToken?
    /// Serve `/metrics` with the queue's state and nothing else (`illuminati metrics`, for
    /// deployments without the viewer).
    public var metricsOnly = false

    public init(host: String = "127.0.0.1", port: Int = 8080, storageRoot: String, conninfo: String,
                catalogLifetimeSeconds: Double = 10) {
        self.host = host
        self.port = port
        self.storageRoot = storageRoot
        self.conninfo = conninfo
        self.catalogLifetimeSeconds = catalogLifetimeSeconds
    }
}
