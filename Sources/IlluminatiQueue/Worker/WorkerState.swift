import Foundation
import IlluminatiPostgres

/// What the claim loops and the heartbeat thread of one worker share, behind one lock.
final class WorkerState: @unchecked Sendable {
    private let condition = NSCondition()
    private var worker = WorkerID(trusted: "00000000-0000-0000-0000-000000000000")
    private var stopping = false
    private var shutdownAt: ContinuousClock.Instant?
    private var generation = 0
    private var runs: [JobLease: JobRun] = [:]
    private var lanes = 0

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock(); defer { condition.unlock() }
        return body()
    }

    var workerID: WorkerID {
        get { locked { worker } }
        set { locked { worker = newValue } }
    }

    // MARK: Stopping

    var isStopping: Bool { locked { stopping } }

    /// When running jobs are stopped and released; nil unless stopping.
    var shutdownDeadline: ContinuousClock.Instant? { locked { shutdownAt } }

    var isPastShutdownDeadline: Bool {
        locked { stopping && (shutdownAt.map { ContinuousClock.now >= $0 } ?? true) }
    }

    /// The first request sets the deadline; a later one can only bring it closer.
    func requestStop(grace: Duration) {
        condition.lock()
        let deadline = ContinuousClock.now + grace
        stopping = true
        shutdownAt = min(shutdownAt ?? deadline, deadline)
        generation += 1
        condition.broadcast()
        condition.unlock()
    }

    // MARK: Waking idle claim loops

    func wake() {
        condition.lock()
        generation += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Sleeps until woken, stopped or `timeout`; after a wake-up (not a timeout), sleeps a
    /// random moment up to `jitter` so woken loops do not claim in the same millisecond. A
    /// stop ends either sleep at once.
    func waitForWork(timeout: Duration, jitter: Duration) {
        condition.lock()
        defer { condition.unlock() }
        let seen = generation
        let deadline = Date(timeIntervalSinceNow: max(timeout.inSeconds, 0))
        var woken = false
        while generation == seen && !stopping {
            if !condition.wait(until: deadline) { break }
            woken = generation != seen
        }
        guard woken && jitter > .zero else { return }
        let claimAt = Date(timeIntervalSinceNow: Double.random(in: 0...jitter.inSeconds))
        while !stopping && condition.wait(until: claimAt) {}
    }

    // MARK: Running jobs

    func add(_ run: JobRun) { locked { runs[run.job.lease] = run } }

    func remove(_ finished: [JobRun]) { locked { for run in finished { runs[run.job.lease] = nil } } }

    var running: [JobRun] { locked { Array(runs.values) } }

    func run(for lease: JobLease) -> JobRun? { locked { runs[lease] } }

    // MARK: Claim loops alive

    func laneStarted() { locked { lanes += 1 } }

    func laneFinished() {
        condition.lock()
        lanes -= 1
        condition.broadcast()
        condition.unlock()
    }

    var lanesRunning: Int { locked { lanes } }
}
