import Foundation
import IlluminatiPostgres

/// The phases that run in the coordinator rather than as queued jobs, and keep their log in
/// the database (`phase_logs`).
public enum CoordinatorPhase: String, Sendable, CaseIterable {
    case `init`, collect
}

/// One line a phase logged, `seconds` after the phase started.
public struct PhaseLogEntry: Codable, Sendable, Equatable {
    public var seconds: Double
    public var level: String
    public var message: String

    public init(seconds: Double, level: String, message: String) {
        self.seconds = seconds
        self.level = level
        self.message = message
    }
}

/// One run of a phase as recorded.
public struct PhaseLog: Sendable, Equatable {
    public var id: Int64
    public var buildID: Int64?
    public var succeeded: Bool
    public var startedAt: String
    public var finishedAt: String
    public var seconds: Double
    public var host: String
    public var pid: Int
    public var entries: [PhaseLogEntry]
}

/// Writes and reads the logs of the coordinator's phases.
public struct PhaseLogStore {
    let connection: any StatementRunner

    public init(_ connection: any StatementRunner) { self.connection = connection }

    @discardableResult
    public func record(experimentID: Int64, phase: CoordinatorPhase, buildID: Int64?, succeeded: Bool,
                       started: Date, finished: Date, entries: [PhaseLogEntry]) throws -> Int64 {
        let json = String(decoding: try JSONEncoder().encode(entries), as: UTF8.self)
        return try connection.phaseLogInsert(
            experimentID: experimentID, phase: phase.rawValue, buildID: buildID, succeeded: succeeded,
            startedAt: started.timeIntervalSince1970, finishedAt: finished.timeIntervalSince1970,
            host: ProcessInfo.processInfo.hostName, pid: Int(getpid()), entries: json).id
    }

    /// The newest run of `phase` for the experiment; nil when it never ran.
    public func latest(experimentID: Int64, phase: CoordinatorPhase) throws -> PhaseLog? {
        guard let row = try connection.phaseLogLatest(experimentID: experimentID, phase: phase.rawValue) else { return nil }
        let entries = try JSONDecoder().decode([PhaseLogEntry].self, from: Data(row.entries.utf8))
        return PhaseLog(id: row.id, buildID: row.buildID, succeeded: row.succeeded, startedAt: row.startedAt,
                        finishedAt: row.finishedAt, seconds: row.seconds, host: row.host, pid: row.pid, entries: entries)
    }
}
