import Foundation
import IlluminatiPostgres

/// What a worker process tells the queue about itself.
public struct WorkerInfo: Sendable {
    public var hostname: String
    public var pid: Int32
    public var version: String
    public var kinds: [String]
    public var concurrency: Int
    /// Silent for longer than this, the worker is presumed dead and its jobs are reaped.
    public var lease: Duration
    /// What it has: it claims only jobs that need at most this.
    public var cores: Int
    /// In MB (2²⁰ bytes).
    public var memoryMB: Int

    public init(hostname: String = ProcessInfo.processInfo.hostName, pid: Int32 = getpid(), version: String = "",
                kinds: [String], concurrency: Int, lease: Duration = .seconds(30), cores: Int = 1, memoryMB: Int = 0) {
        self.hostname = hostname
        self.pid = pid
        self.version = version
        self.kinds = kinds
        self.concurrency = concurrency
        self.lease = lease
        self.cores = cores
        self.memoryMB = memoryMB
    }

    /// The jobs it claims: those that fit its cores and memory, of the kinds it handles.
    public var capacity: WorkerCapacity { WorkerCapacity(cores: cores, memoryMB: memoryMB, kinds: kinds) }
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
        guard info.cores >= 1, info.memoryMB >= 0 else {
            throw QueueError.invalidArgument("a worker has at least 1 core and 0 or more MB of memory")
        }
        try connection.workerRegister(id: id, hostname: info.hostname, pid: info.pid, version: info.version, kinds: info.kinds,
                                      concurrency: info.concurrency, lease: info.lease.inSeconds,
                                      cores: info.cores, memoryMb: info.memoryMB)
        return id
    }

    /// Refreshes the worker's `last_seen` and checks the leases it believes it holds. Only
    /// pass leases whose claim had committed before this call.
    public func heartbeat(_ worker: WorkerID, holding leases: [JobLease]) throws -> HeartbeatReport {
        let rows = try connection.workerHeartbeat(worker: worker, jobs: leases.map(\.job), attempts: leases.map(\.attempt))
        var report = HeartbeatReport(alive: rows.first?.alive ?? false, lost: [], cancelRequested: [])
        for row in rows {
            guard let job = row.id, let attempt = row.attempt else { continue }
            let lease = JobLease(job: job, attempt: attempt, worker: worker)
            if !report.alive || row.held != true {
                report.lost.append(lease)
            } else if row.cancelRequested == true {
                report.cancelRequested.append(lease)
            }
        }
        return report
    }

    /// Stops the worker from claiming (it finishes what it has).
    public func drain(_ worker: WorkerID) throws {
        try connection.workerDrain(worker: worker)
    }

    public func deregister(_ worker: WorkerID) throws {
        try connection.workerDeregister(worker: worker)
    }

    /// For a worker known to be dead: its running jobs go back to the queue now (the attempt
    /// counts) and its row is removed. Returns how many jobs.
    @discardableResult
    public func release(_ worker: WorkerID) throws -> Int {
        try connection.workerRelease(worker: worker).jobs
    }
}
