import Foundation
import IlluminatiDatabase
import IlluminatiPostgres
import Logging

/// Runs a coordinator phase (init, collect) with a logger that also keeps every line of
/// level info and above, whatever the user's verbosity, and records them in `phase_logs`
/// when the phase ends, succeeded or failed, so that `illuminati log --phase` shows what the
/// phase did as `illuminati log --job` shows a run job.
struct PhaseRecording {
    var phase: CoordinatorPhase
    var experimentID: Int64
    var logger: Logger

    /// `body` gets the recording logger and returns its result and the build it concerns.
    func run<T>(on connection: DatabaseConnection, _ body: (Logger) throws -> (result: T, build: Int64?)) throws -> T {
        let started = Date()
        let lines = PhaseLogLines(started: started)
        // The multiplexer passes each line to the handlers whose level it reaches, so the
        // terminal keeps the user's verbosity.
        let recording = Logger(label: logger.label) { _ in MultiplexLogHandler([logger.handler, lines]) }
        do {
            let (result, build) = try body(recording)
            recording.info("\(phase.rawValue) done in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
            try PhaseLogStore(connection).record(experimentID: experimentID, phase: phase, buildID: build, succeeded: true,
                                                 started: started, finished: Date(), entries: lines.entries)
            return result
        } catch {
            // Kept, not logged: the command reports the error itself.
            lines.keep(.error, "\(error)")
            // The phase's own error is what the user needs; a log that cannot be written
            // (PostgreSQL gone) must not replace it.
            try? PhaseLogStore(connection).record(experimentID: experimentID, phase: phase, buildID: nil, succeeded: false,
                                                  started: started, finished: Date(), entries: lines.entries)
            throw error
        }
    }
}

/// The lines a phase logged, kept in order with their time since the phase started.
private final class PhaseLogLines: LogHandler, @unchecked Sendable {
    let started: Date
    private let lock = NSLock()
    private var kept: [PhaseLogEntry] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    init(started: Date) { self.started = started }

    var entries: [PhaseLogEntry] { lock.withLock { kept } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        keep(event.level, all.isEmpty ? "\(event.message)"
            : "\(event.message) " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }

    func keep(_ level: Logger.Level, _ message: String) {
        let seconds = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
        lock.withLock { kept.append(PhaseLogEntry(seconds: seconds, level: level.rawValue, message: message)) }
    }
}
