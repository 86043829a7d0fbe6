import Foundation
import IlluminatiCore
import IlluminatiMetrics
import IlluminatiPostgres
import Logging

/// One claim loop of a worker, on its own thread and connection: claim a batch, run it,
/// write the outcomes, repeat; sleep until notified or polled when the queue is empty;
/// reconnect with backoff when the database goes away.
final class ClaimLoop: @unchecked Sendable {
    let index: Int
    let configuration: QueueWorkerConfiguration
    let kinds: JobKinds
    /// What the worker registered: the claim takes only jobs that fit it.
    let capacity: WorkerCapacity
    let state: WorkerState
    let logger: Logger
    private let executor = ClaimLoopExecutor()

    init(index: Int, configuration: QueueWorkerConfiguration, kinds: JobKinds, capacity: WorkerCapacity, state: WorkerState,
         logger: Logger) {
        self.index = index
        self.configuration = configuration
        self.kinds = kinds
        self.capacity = capacity
        self.state = state
        self.logger = logger
    }

    func run() {
        defer { state.laneFinished() }
        let database = configuration.reconnectingConnection(logger: logger,
                                                            shouldStop: { [state] in state.isPastShutdownDeadline })
        var pending = PendingWrites()
        var emptyClaims = 0
        while true {
            if state.isStopping && pending.isEmpty { return }
            do {
                try database.connect()
            } catch {
                // Waiting for PostgreSQL ends only at the end of the shutdown grace period.
                if !pending.isEmpty {
                    logger.warning("stopping with \(pending.count) job outcomes unwritten; the reaper will hand those jobs out again")
                }
                return
            }
            do {
                try pending.flush(database, logger: logger)
                if state.isStopping { continue }
                let jobs = try JobQueue(database).claim(worker: state.workerID, limit: configuration.batchSize, fitting: capacity)
                if jobs.isEmpty {
                    emptyClaims += 1
                    // A notification wakes every idle loop; a process's first claims at once,
                    // the others spread over the jitter, so a small build waits for no sleep.
                    state.waitForWork(timeout: pollDelay(afterEmptyClaims: emptyClaims),
                                      jitter: index == 0 ? .zero : configuration.notifyJitter)
                    continue
                }
                emptyClaims = 0
                pending.append(execute(jobs))
                try pending.flush(database, logger: logger)
            } catch let error as DatabaseError where error.isConnectionProblem {
                // The connection is dropped; the outcomes stay pending until it is back.
                logger.warning("lost the connection to PostgreSQL; reconnecting", metadata: ["error": "\(error)"])
                QueueMetrics.reconnects.increment()
            } catch {
                // A statement the server rejected: not expected to fix itself at once.
                logger.error("queue statement failed", metadata: ["error": "\(error)"])
                database.disconnect()
                _ = sleepUnlessStopped(.seconds(1)) { [state] in state.isStopping }
            }
        }
    }

    /// The poll interval with ±25 % jitter, growing by half each empty claim up to the idle interval.
    private func pollDelay(afterEmptyClaims count: Int) -> Duration {
        let base = configuration.pollInterval.inSeconds * pow(1.5, Double(min(count, 20) - 1))
        let capped = min(base, max(configuration.idlePollInterval.inSeconds, configuration.pollInterval.inSeconds))
        return .seconds(capped * Double.random(in: 0.75...1.25))
    }

    // MARK: Running a batch

    private func execute(_ jobs: [ClaimedJob]) -> PendingWrites {
        var writes = PendingWrites()
        var runs: [JobRun] = []
        for job in jobs {
            guard let handler = kinds.handler(for: job.kind) else {
                let known = kinds.names.joined(separator: ", ")
                writes.failures.append(Failure(
                    lease: job.lease, kind: .permanent,
                    message: "no handler for job kind '\(job.kind)' on worker \(configuration.hostname) (it handles: \(known))"))
                continue
            }
            let run = JobRun(job: job)
            state.add(run)
            run.start(handler, on: executor)
            runs.append(run)
        }
        QueueMetrics.running.record(state.running.count)
        for run in runs { waitFor(run) }
        state.remove(runs)
        QueueMetrics.running.record(state.running.count)
        for run in runs { record(run, into: &writes) }
        return writes
    }

    /// Waits for the handler, stopping it at the job's deadline or at the end of the shutdown
    /// grace period; after a stop it gets `cancellationGrace` to return, then it is abandoned.
    private func waitFor(_ run: JobRun) {
        let grace = configuration.cancellationGrace
        while run.result == nil {
            let now = ContinuousClock.now
            let limit: ContinuousClock.Instant
            if let stoppedAt = run.context.stopTime {
                if now >= stoppedAt + grace {
                    logger.warning("job did not stop within \(grace); abandoning it", metadata: ["job": "\(run.job.id)"])
                    return
                }
                limit = stoppedAt + grace
            } else if now >= run.job.deadline {
                run.stop(.deadline)
                continue
            } else if let shutdown = state.shutdownDeadline, now >= shutdown {
                run.stop(.shutdown)
                continue
            } else {
                limit = min(run.job.deadline, state.shutdownDeadline ?? run.job.deadline)
            }
            // Short slices, so a stop requested meanwhile (heartbeat, shutdown) is noticed promptly.
            executor.drain(until: min(now + .milliseconds(100), limit)) { run.result != nil }
        }
    }

    private func record(_ run: JobRun, into writes: inout PendingWrites) {
        let lease = run.job.lease
        let reason = run.context.stopReason
        if run.result != nil {
            QueueMetrics.jobDuration.record(ContinuousClock.now - run.started)
        }
        if reason == .leaseLost {
            QueueMetrics.leaseLost.increment()
            logger.warning("job stopped: its lease was lost", metadata: ["job": "\(lease.job)", "attempt": "\(lease.attempt)"])
            return
        }
        switch run.result {
        case .succeeded(let result)?:
            // Finished work is recorded even if a stop was requested meanwhile.
            writes.completions.append(Completion(lease: lease, result: result))
        case .failed(let error)?:
            switch reason {
            case .buildCancelled?: writes.cancellations.append(lease)
            case .shutdown?: writes.releases.append(lease)
            case .deadline?: writes.failures.append(deadlineFailure(run))
            case .leaseLost?, nil:
                let permanent = ErrorClass(of: error) == .badInput
                writes.failures.append(Failure(lease: lease, kind: permanent ? .permanent : .error,
                                               message: String(describing: error)))
            }
        case nil:
            switch reason {
            case .buildCancelled?: writes.cancellations.append(lease)
            case .shutdown?: writes.releases.append(lease)
            case .deadline?, .leaseLost?, nil: writes.failures.append(deadlineFailure(run))
            }
        }
    }

    private func deadlineFailure(_ run: JobRun) -> Failure {
        Failure(lease: run.job.lease, kind: .deadline,
                message: "exceeded its duration limit of \(ClockDuration.format(run.job.runtimeLimit)) and was stopped by its worker")
    }
}
