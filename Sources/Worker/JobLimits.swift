import Foundation
import IlluminatiQueue

/// `--max-jobs` and `--idle-exit`: counts jobs around their kinds' handlers and asks the
/// worker to stop once either limit is reached.
final class JobLimits: @unchecked Sendable {
    let maxJobs: Int?
    let idleExit: Duration?
    var onLimit: (@Sendable (String) -> Void)?
    private let lock = NSLock()
    private var finished = 0
    private var running = 0
    private var idleSince = ContinuousClock.now
    private var stopped = false

    init(maxJobs: Int?, idleExit: Duration?) {
        self.maxJobs = maxJobs
        self.idleExit = idleExit
    }

    func wrap(_ kinds: JobKinds) -> JobKinds {
        kinds.around { [self] _, next in
            lock.withLock { running += 1 }
            defer { jobEnded() }
            try await next()
        }
    }

    private func jobEnded() {
        let reached: Bool = lock.withLock {
            running -= 1
            finished += 1
            idleSince = .now
            return maxJobs.map { finished >= $0 } ?? false
        }
        if reached { fire("finished \(finished) job(s), the --max-jobs limit") }
    }

    /// Called periodically: stops the worker when it has been idle for `idleExit`.
    func checkIdle() {
        guard let idleExit else { return }
        let idle = lock.withLock { running == 0 && ContinuousClock.now - idleSince >= idleExit }
        if idle { fire("no job for \(idleExit)") }
    }

    private func fire(_ reason: String) {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        if first { onLimit?(reason) }
    }
}
