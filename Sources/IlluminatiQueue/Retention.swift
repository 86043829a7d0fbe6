import IlluminatiPostgres

/// Rows pruning removed, or would remove.
public struct PrunedRows: Sendable, Equatable {
    /// Succeeded and cancelled jobs (`job_history`).
    public var history: Int
    /// Attempt errors (`job_errors`).
    public var errors: Int

    public init(history: Int, errors: Int) {
        self.history = history
        self.errors = errors
    }

    static let none = PrunedRows(history: 0, errors: 0)
    static func + (a: PrunedRows, b: PrunedRows) -> PrunedRows { PrunedRows(history: a.history + b.history, errors: a.errors + b.errors) }
}

/// Removes finished work past its retention age (the rules are in Migrations/011): the history
/// of builds that are over, and errors of jobs that are neither live nor dead letters in a
/// build without dead letters. `olderThan` nil is the database's setting
/// `illuminati.history_retention` (7 days unless set).
public struct Retention {
    let connection: any StatementRunner

    public init(_ connection: any StatementRunner) { self.connection = connection }

    /// The age the database keeps finished work for.
    public func age() throws -> Duration { .seconds(try connection.queueHistoryRetention().seconds) }

    /// One batch: at most `batch` rows of each table, in short statements. With `onlyIfIdle`
    /// it does nothing while another caller prunes (the reapers take turns).
    public func pruneBatch(olderThan: Duration? = nil, batch: Int, onlyIfIdle: Bool = false) throws -> PrunedRows {
        let row = try connection.queuePrune(maxRows: batch, olderThan: olderThan?.inSeconds, onlyIfIdle: onlyIfIdle)
        return PrunedRows(history: row.history, errors: row.errors)
    }

    /// Batch after batch until one removes nothing; no statement holds its locks for long.
    public func prune(olderThan: Duration? = nil, batch: Int = 1000) throws -> PrunedRows {
        var total = PrunedRows.none
        while true {
            let pruned = try pruneBatch(olderThan: olderThan, batch: batch)
            if pruned == .none { return total }
            total = total + pruned
        }
    }

    /// What `prune` would remove now, removing nothing.
    public func prunable(olderThan: Duration? = nil) throws -> PrunedRows {
        let row = try connection.queuePrunable(olderThan: olderThan?.inSeconds)
        return PrunedRows(history: row.history, errors: row.errors)
    }
}
