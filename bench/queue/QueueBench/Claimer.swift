// What one benchmark thread drives: claim up to `limit` jobs, then complete what it claimed.
import IlluminatiPostgres
import IlluminatiQueue

protocol Claimer {
    init(_ connection: DatabaseConnection, worker: WorkerID)
    /// Claims up to `limit` jobs; returns how many.
    mutating func claim(limit: Int) throws -> Int
    /// Completes the jobs of the last claim; returns how many were completed.
    mutating func completeClaimed() throws -> Int
}

/// Our queue through the library: JobQueue.claim and JobQueue.complete.
struct LibraryClaimer: Claimer {
    let queue: JobQueue
    let worker: WorkerID
    var claimed: [ClaimedJob] = []

    init(_ connection: DatabaseConnection, worker: WorkerID) {
        queue = JobQueue(connection)
        self.worker = worker
    }

    mutating func claim(limit: Int) throws -> Int {
        claimed = try queue.claim(worker: worker, limit: limit)
        return claimed.count
    }

    mutating func completeClaimed() throws -> Int {
        try queue.complete(claimed.map { Completion(lease: $0.lease) }).completed.count
    }
}

/// The minimal queue through the same client (DatabaseConnection, one statement each), for
/// its claim latency beside ours.
struct MinimalClaimer: Claimer {
    let connection: DatabaseConnection
    let worker: WorkerID
    var ids: [Int64] = [], attempts: [Int] = []

    init(_ connection: DatabaseConnection, worker: WorkerID) {
        self.connection = connection
        self.worker = worker
    }

    mutating func claim(limit: Int) throws -> Int {
        let rows = try connection.execute(MinimalQueue.claim, [limit.sqlValue, worker.sqlValue], name: "mq claim").rows
        ids = try rows.map { try $0.int64("id") }
        attempts = try rows.map { try $0.int("attempt") }
        return ids.count
    }

    mutating func completeClaimed() throws -> Int {
        try connection.execute(MinimalQueue.complete, [ids.sqlValue, attempts.sqlValue], name: "mq complete").rows.count
    }
}
