import Foundation
import IlluminatiBuild
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiStorage
import Logging

/// `submit`: starts the build if it is only planned, then watches it to the end: reaps
/// dead workers' jobs, advances stages the barrier missed, shows progress, and collects the
/// map objects once every layer is complete. Safe to run again after an interruption, and
/// from two terminals at once (every step is a single idempotent statement).
public struct DriveBuild {
    public var connection: DatabaseConnection
    /// For reconnecting when PostgreSQL restarts under a running build.
    public var conninfo: String
    public var logger: Logger
    public var interval: Duration
    public var depth: Int
    /// The experiment's folder on the storage. Emptied when this coordinator starts a planned
    /// build, so that nothing of an earlier build (of this experiment, or of a deleted one of the
    /// same name) shows through the new one: black tiles are not written.
    public var outputs: ExperimentStorage
    /// Where the build's state and progress lines go.
    public var display: any BuildDisplay

    public init(connection: DatabaseConnection, conninfo: String, logger: Logger, interval: Duration, depth: Int,
                outputs: ExperimentStorage, display: any BuildDisplay) {
        self.connection = connection
        self.conninfo = conninfo
        self.logger = logger
        self.interval = interval
        self.depth = depth
        self.outputs = outputs
        self.display = display
    }

    public enum Outcome {
        case succeeded(build: Int64)
        /// Dead-lettered jobs hold the build: nothing else can run until they are resubmitted.
        case stuck(build: Int64, failures: [FailedJob])
        case cancelled(build: Int64)
    }

    public func run(_ stored: StoredExperiment, workers: LocalWorkers?) throws -> Outcome {
        // The build lives in the database, not here: when PostgreSQL goes away, wait for it to
        // come back (up to 5 minutes) and listen again on the new connection.
        let database = ReconnectingConnection(conninfo: conninfo, applicationName: "illuminati",
                                              retry: ConnectionRetry(giveUpAfter: .seconds(300)), logger: logger,
                                              connection: connection, setUp: { try BuildNotifications.listen(on: $0) })
        defer { if database.isConnected { try? database.withConnection { BuildNotifications.unlisten(on: $0) } } }
        let builds = BuildStore(database)
        guard let latest = try builds.latestBuild(experiment: stored.id) else {
            throw BuildError.noBuild(experiment: stored.experiment.name)
        }
        let build = latest.id
        if latest.cleanedUpAt != nil { throw BuildError.cleanedUp(experiment: stored.experiment.name, build: build) }
        if latest.state == .planned, try builds.start(build, preparing: removeEarlierOutputs) {
            display.announce("build \(build) of \(stored.experiment.name): started")
        } else {
            display.announce("build \(build) of \(stored.experiment.name): \(latest.state.rawValue)")
        }
        // Collecting the outlines follows a successful build on this connection; its
        // server process loads PostGIS now, while the workers start, rather than after the
        // last job. Nothing depends on it working.
        _ = try? MapObjectStore(database).loadPostGIS()
        let view = display
        var reportedExits = Set<pid_t>()
        let notifications = BuildNotifications(build: build)
        // Every `interval`: reap, redraw the progress, look for dead letters and dead local
        // workers. In between, a notification about the build wakes the loop at once, so the
        // end of the build is seen right after its last job, not at the next tick.
        var nextTick = ContinuousClock.now
        while true {
            try database.connect()
            do {
                let tick = ContinuousClock.now >= nextTick
                if tick {
                    nextTick = ContinuousClock.now + interval
                    _ = try Reaper(database).sweep()
                }
                let info = try BuildStore(database).info(build)
                let over = info.state == .succeeded || info.state == .cancelled
                let stages = tick || over ? try QueueInspector(database).stages(build: build) : []
                if tick || over { view.show(BuildProgressText.lines(stages, depth: depth)) }
                switch info.state {
                case .succeeded:
                    view.finish()
                    return .succeeded(build: build)
                case .cancelled:
                    view.finish()
                    if info.cleanedUpAt != nil { throw BuildError.cleanedUp(experiment: stored.experiment.name, build: build) }
                    return .cancelled(build: build)
                case .planned, .running, .paused:
                    break
                }
                if tick {
                    let runnable = stages.reduce(0) { $0 + $1.available + $1.held + $1.running }
                    let failed = stages.reduce(0) { $0 + $1.failed }
                    if failed > 0 && runnable == 0 && info.state != .paused {
                        view.finish()
                        return .stuck(build: build, failures: try QueueInspector(database).failures(build: build))
                    }
                    if let workers { try checkLocalWorkers(workers, reported: &reportedExits) }
                }
                _ = try database.withConnection { try notifications.wait(on: $0, until: nextTick) }
            } catch let error as DatabaseError where error.isConnectionProblem {
                logger.warning("lost the connection to PostgreSQL; reconnecting", metadata: ["error": "\(error)"])
            }
        }
    }

    private func removeEarlierOutputs() throws {
        do {
            try outputs.remove()
        } catch let error as StorageError {
            throw InputError("cannot remove the earlier outputs in \(outputs.directory) before the build starts: \(error.reason)")
        }
    }

    private func checkLocalWorkers(_ workers: LocalWorkers, reported: inout Set<pid_t>) throws {
        for pid in workers.exited() where !reported.contains(pid) {
            reported.insert(pid)
            logger.warning("local worker \(pid) exited")
        }
        if reported.count == workers.pids.count && !workers.pids.isEmpty {
            throw InputError("every local worker exited; see their messages above")
        }
    }
}
