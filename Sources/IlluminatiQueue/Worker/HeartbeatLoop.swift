import Foundation
import IlluminatiPostgres
import Logging

/// The worker's own connection: heartbeats (which also reveal lost leases and cancelled
/// builds), LISTEN for new work (waking idle claim loops), and the reaper. Runs until every
/// claim loop has finished, then removes the worker's row.
final class HeartbeatLoop: @unchecked Sendable {
    let configuration: QueueWorkerConfiguration
    let info: WorkerInfo
    let state: WorkerState
    let logger: Logger

    init(configuration: QueueWorkerConfiguration, info: WorkerInfo, state: WorkerState, logger: Logger) {
        self.configuration = configuration
        self.info = info
        self.state = state
        self.logger = logger
    }

    func run(connection initial: DatabaseConnection) {
        let clock = ContinuousClock()
        let database = configuration.reconnectingConnection(
            logger: logger, shouldStop: { [state] in state.lanesRunning == 0 || state.isPastShutdownDeadline },
            connection: initial,
            setUp: { [state] connection in
                try connection.listen(QueueChannel.jobs)
                try connection.listen(QueueChannel.control)
                state.wake()  // notifications sent while we were away are lost
            })
        var drained = false
        var nextBeat = clock.now + configuration.heartbeatInterval
        var nextReap = configuration.reapInterval.map { clock.now + $0 * Double.random(in: 0.1...1) }
        while state.lanesRunning > 0 {
            let reconnecting = !database.isConnected
            do {
                try database.connect()
            } catch {
                // Waiting for PostgreSQL ends when the lanes are done or the shutdown deadline passed.
                if state.lanesRunning == 0 { break }
                usleep(100_000)
                continue
            }
            if reconnecting { nextBeat = clock.now }
            do {
                if state.isStopping && !drained {
                    try WorkerRegistry(database).drain(state.workerID)
                    drained = true
                }
                if clock.now >= nextBeat {
                    try beat(database)
                    nextBeat = clock.now + configuration.heartbeatInterval
                }
                if let due = nextReap, clock.now >= due, let interval = configuration.reapInterval {
                    if !state.isStopping { try reap(database) }
                    nextReap = clock.now + interval * Double.random(in: 0.75...1.25)
                }
                var wake = min(nextBeat, clock.now + .milliseconds(200))
                if let due = nextReap { wake = min(wake, due) }
                let notifications = try database.withConnection { try $0.waitForNotifications(timeout: wake - clock.now) }
                if notifications.contains(where: { $0.channel == QueueChannel.jobs }) { state.wake() }
                if notifications.contains(where: { $0.channel == QueueChannel.control }) { nextBeat = clock.now }
            } catch let error as DatabaseError where error.isConnectionProblem {
                logger.warning("heartbeat connection lost; reconnecting", metadata: ["error": "\(error)"])
                QueueMetrics.reconnects.increment()
            } catch {
                logger.error("heartbeat failed", metadata: ["error": "\(error)"])
                database.disconnect()
                _ = sleepUnlessStopped(.seconds(1)) { [state] in state.lanesRunning == 0 }
            }
        }
        deregister(database)
    }

    private func beat(_ db: any StatementRunner) throws {
        let worker = state.workerID
        // Only runs registered before this call: their claims have committed.
        let runs = state.running.filter { $0.job.lease.worker == worker }
        let registry = WorkerRegistry(db)
        let report = try registry.heartbeat(worker, holding: runs.map(\.job.lease))
        guard report.alive else {
            logger.warning("this worker was presumed dead and its jobs were handed out again; registering anew",
                           metadata: ["worker": "\(worker)"])
            for run in state.running { run.stop(.leaseLost) }
            state.workerID = try registry.register(info)
            return
        }
        for lease in report.lost { state.run(for: lease)?.stop(.leaseLost) }
        for lease in report.cancelRequested { state.run(for: lease)?.stop(.buildCancelled) }
    }

    private func reap(_ db: any StatementRunner) throws {
        let report = try Reaper(db).sweep()
        if !report.reaped.isEmpty {
            logger.warning("reaped \(report.reaped.count) jobs of silent workers or past their deadline")
        }
    }

    /// On the loop's connection if it is still up, else on one that tries for 2 s.
    private func deregister(_ database: ReconnectingConnection) {
        let connection = database.isConnected ? database : configuration.reconnectingConnection(giveUpAfter: .seconds(2))
        do {
            try WorkerRegistry(connection).deregister(state.workerID)
        } catch {
            logger.warning("could not remove the worker's row; the reaper will", metadata: ["error": "\(error)"])
        }
    }
}
