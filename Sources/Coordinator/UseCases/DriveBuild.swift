import Foundation
import IlluminatiBuild
import IlluminatiDatabase
import IlluminatiQueue
import Logging

/// `submit`: starts the build if it is only planned, then watches it to the end: reaps
/// dead workers' jobs, advances levels the barrier missed, shows progress, and collects the
/// map objects once every layer is complete. Safe to run again after an interruption, and
/// from two terminals at once (every step is a single idempotent statement).
struct DriveBuild {
    var connection: DatabaseConnection
    /// For reconnecting when PostgreSQL restarts under a running build.
    var conninfo: String
    var logger: Logger
    var interval: Duration
    var depth: Int

    enum Outcome {
        case succeeded(build: Int64)
        /// Dead-lettered jobs hold the build: nothing else can run until they are resubmitted.
        case stuck(build: Int64, failures: [FailedJob])
        case cancelled(build: Int64)
    }

    func run(_ stored: StoredExperiment, workers: LocalWorkers?) throws -> Outcome {
        let builds = BuildStore(connection)
        guard let latest = try builds.latestBuild(experiment: stored.id) else {
            throw BuildError.noBuild(experiment: stored.experiment.name)
        }
        let build = latest.id
        if latest.state == .planned, try builds.start(build) {
            print("build \(build) of \(stored.experiment.name): started")
        } else {
            print("build \(build) of \(stored.experiment.name): \(latest.state.rawValue)")
        }
        let view = ProgressView()
        var reportedExits = Set<pid_t>()
        var connection = self.connection
        while true {
            let info: BuildInfo, levels: [LevelProgress]
            do {
                _ = try Reaper(connection).sweep()
                info = try BuildStore(connection).info(build)
                levels = try QueueInspector(connection).levels(build: build)
            } catch let error as DatabaseError where error.isConnectionProblem {
                // The build lives in the database, not here: wait for it to come back.
                logger.warning("lost the connection to PostgreSQL; reconnecting", metadata: ["error": "\(error)"])
                connection = try DatabaseConnection.connect(conninfo: conninfo, applicationName: "illuminati",
                                                            retry: ConnectionRetry(giveUpAfter: .seconds(300)), logger: logger)
                continue
            }
            view.show(BuildProgressText.lines(levels, depth: depth))
            switch info.state {
            case .succeeded:
                view.finish()
                return .succeeded(build: build)
            case .cancelled:
                view.finish()
                return .cancelled(build: build)
            case .planned, .running, .paused:
                break
            }
            let runnable = levels.reduce(0) { $0 + $1.available + $1.held + $1.running }
            let failed = levels.reduce(0) { $0 + $1.failed }
            if failed > 0 && runnable == 0 && info.state != .paused {
                view.finish()
                return .stuck(build: build, failures: try QueueInspector(connection).failures(build: build))
            }
            if let workers {
                for pid in workers.exited() where !reportedExits.contains(pid) {
                    reportedExits.insert(pid)
                    logger.warning("local worker \(pid) exited")
                }
                if reportedExits.count == workers.pids.count && !workers.pids.isEmpty {
                    throw InputError("every local worker exited; see their messages above")
                }
            }
            Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
        }
    }
}

/// Redraws a block of lines in place on a terminal; prints changed blocks otherwise.
final class ProgressView {
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private var previous: [String] = []

    func show(_ lines: [String]) {
        guard lines != previous else { return }
        var text = ""
        if isTerminal && !previous.isEmpty { text += "\u{1B}[\(previous.count)A" }
        for line in lines { text += (isTerminal ? "\u{1B}[2K" : "") + line + "\n" }
        if !isTerminal { text += "\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
        previous = lines
    }

    func finish() { previous = [] }
}
