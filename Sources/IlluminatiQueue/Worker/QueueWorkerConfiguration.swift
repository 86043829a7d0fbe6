import Foundation
import IlluminatiPostgres
import Logging

/// How a `QueueWorker` claims, runs and reports jobs.
public struct QueueWorkerConfiguration: Sendable {
    /// libpq connection string or URL.
    public var conninfo: String
    public var applicationName: String
    /// Claim loops, each with its own connection; at most `concurrency × batchSize` jobs run
    /// at once. For CPU-bound jobs use one per core and a batch size of 1.
    public var concurrency: Int
    /// Jobs claimed at once by a loop; they run concurrently on the loop's thread, and their
    /// outcomes are written together when the last of them has finished.
    public var batchSize: Int
    /// Silent for longer than this, the worker is presumed dead and its jobs are reaped.
    public var lease: Duration
    public var heartbeatInterval: Duration
    /// Poll for work this often (±25 % jitter) when no notification comes …
    public var pollInterval: Duration
    /// … growing to this while the queue stays empty.
    public var idlePollInterval: Duration
    /// After a notification, each loop but a process's first waits a random time up to this
    /// before claiming, so the loops of many-threaded workers do not all hit the database in
    /// the same millisecond; the first claims at once, so the released work starts at once.
    public var notifyJitter: Duration
    /// Run the reaper this often (the coordinator runs it too; sweeps skip each other); nil: never.
    public var reapInterval: Duration?
    /// Connecting at start: retry, then give up with an error.
    public var startupRetry: ConnectionRetry
    /// Reconnecting while running (a database restart): retried until it works or the worker stops.
    public var reconnectBackoff: Backoff
    /// How long a job cancelled at its deadline, a lost lease or a shutdown may take to return
    /// before the worker stops waiting for it.
    public var cancellationGrace: Duration
    public var hostname: String
    public var version: String
    /// What this worker advertises: it claims only jobs that need at most these cores and this
    /// memory (in MB, 2²⁰ bytes). Default: the machine's.
    public var cores: Int
    public var memoryMB: Int

    public init(conninfo: String, applicationName: String = "illuminati-worker", concurrency: Int = 1, batchSize: Int = 1,
                lease: Duration = .seconds(30), heartbeatInterval: Duration = .seconds(5),
                pollInterval: Duration = .seconds(2), idlePollInterval: Duration = .seconds(10),
                notifyJitter: Duration = .milliseconds(50), reapInterval: Duration? = .seconds(15),
                startupRetry: ConnectionRetry = ConnectionRetry(giveUpAfter: .seconds(60)),
                reconnectBackoff: Backoff = Backoff(base: .milliseconds(100), cap: .seconds(5)),
                cancellationGrace: Duration = .seconds(5),
                hostname: String = ProcessInfo.processInfo.hostName, version: String = "",
                cores: Int = WorkerCapacity.machine().cores, memoryMB: Int = WorkerCapacity.machine().memoryMB) {
        self.conninfo = conninfo
        self.applicationName = applicationName
        self.concurrency = concurrency
        self.batchSize = batchSize
        self.lease = lease
        self.heartbeatInterval = heartbeatInterval
        self.pollInterval = pollInterval
        self.idlePollInterval = idlePollInterval
        self.notifyJitter = notifyJitter
        self.reapInterval = reapInterval
        self.startupRetry = startupRetry
        self.reconnectBackoff = reconnectBackoff
        self.cancellationGrace = cancellationGrace
        self.hostname = hostname
        self.version = version
        self.cores = cores
        self.memoryMB = memoryMB
    }

    func validate() throws {
        guard concurrency > 0, batchSize > 0 else {
            throw QueueError.invalidArgument("concurrency and batch size must be positive")
        }
        guard lease > .zero, heartbeatInterval > .zero, pollInterval > .zero else {
            throw QueueError.invalidArgument("lease, heartbeat and poll intervals must be positive")
        }
        guard heartbeatInterval * 2 <= lease else {
            throw QueueError.invalidArgument("the heartbeat interval must be at most half the lease, or a live worker looks dead")
        }
        guard cores >= 1, memoryMB >= 0 else {
            throw QueueError.invalidArgument("a worker has at least 1 core and 0 or more MB of memory")
        }
    }
}

extension QueueWorkerConfiguration {
    /// A connection of the worker's own that waits out a database restart with
    /// `reconnectBackoff`: until `shouldStop`, or for `giveUpAfter`.
    func reconnectingConnection(giveUpAfter: Duration? = nil, logger: Logger? = nil,
                                shouldStop: @escaping @Sendable () -> Bool = { false },
                                connection: DatabaseConnection? = nil,
                                setUp: @escaping @Sendable (DatabaseConnection) throws -> Void = { _ in })
        -> ReconnectingConnection {
        ReconnectingConnection(conninfo: conninfo, applicationName: applicationName,
                               retry: ConnectionRetry(backoff: reconnectBackoff, giveUpAfter: giveUpAfter),
                               logger: logger, shouldStop: shouldStop, connection: connection, setUp: setUp)
    }
}
