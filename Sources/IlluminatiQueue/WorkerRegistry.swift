import Foundation
import IlluminatiDatabase

/// What a worker process tells the queue about itself.
public struct WorkerInfo: Sendable {
    public var hostname: String
    public var pid: Int32
    public var version: String
    public var kinds: [String]
    public var concurrency: Int
    /// Silent for longer than this, the worker is presumed dead and its jobs are reaped.
    public var lease: Duration

    public init(hostname: String = ProcessInfo.processInfo.hostName, pid: Int32 = getpid(), version: String = "",
                kinds: [String], concurrency: Int, lease: Duration = .seconds(30)) {
        self.hostname = hostname
        self.pid = pid
        self.version = version
        self.kinds = kinds
        self.concurrency = concurrency
        self.lease = lease
    }
}

public struct HeartbeatReport: Sendable, Equatable {
    /// False when the worker's row is gone: it was presumed dead and pruned, so none of its
    /// leases hold; register again under a new id.
    public var alive: Bool
    /// Leases the worker believed it held that it no longer does (reaped, restarted, …).
    public var lost: [JobLease]
    /// Leases whose build was cancelled: stop them and acknowledge.
    public var cancelRequested: [JobLease]
}

/// Worker registration and heartbeats.
public struct WorkerRegistry {
    let connection: any StatementRunner

    public init(_ connection: any StatementRunner) { self.connection = connection }

    public func register(_ info: WorkerInfo, as id: WorkerID = .random()) throws -> WorkerID {
        guard info.concurrency > 0 else { throw QueueError.invalidArgument("concurrency must be positive") }
        guard info.lease > .zero else { throw QueueError.invalidArgument("the lease must be positive") }
        try connection.run(QueueSQL.named("WorkerRegister"), [
            id, info.hostname, Int(info.pid), info.version, info.kinds, info.concurrency, info.lease.inSeconds,
        ])
        return id
    }

    /// Refreshes the worker's `last_seen` and checks the leases it believes it holds. Only
    /// pass leases whose claim had committed before this call.
    public func heartbeat(_ worker: WorkerID, holding leases: [JobLease]) throws -> HeartbeatReport {
        let rows = try connection.run(QueueSQL.named("WorkerHeartbeat"),
                                      [worker, leases.map(\.job), leases.map(\.attempt)]).rows
        var report = HeartbeatReport(alive: try rows.first?.bool("alive") ?? false, lost: [], cancelRequested: [])
        for row in rows {
            guard let job = try row.optionalString("id").flatMap({ Int64($0) }) else { continue }
            let lease = JobLease(job: job, attempt: try row.int("attempt"), worker: worker)
            let held = try row.bool("held")
            if !report.alive || !held {
                report.lost.append(lease)
            } else if try row.bool("cancel_requested") {
                report.cancelRequested.append(lease)
            }
        }
        return report
    }

    /// Stops the worker from claiming (it finishes what it has).
    public func drain(_ worker: WorkerID) throws {
        try connection.run(QueueSQL.named("WorkerDrain"), [worker])
    }

    public func deregister(_ worker: WorkerID) throws {
        try connection.run(QueueSQL.named("WorkerDeregister"), [worker])
    }

    /// For a worker known to be dead: its running jobs go back to the queue now (the attempt
    /// counts) and its row is removed. Returns how many jobs.
    @discardableResult
    public func release(_ worker: WorkerID) throws -> Int {
        try connection.run(QueueSQL.named("WorkerRelease"), [worker]).one().int("jobs")
    }
}
