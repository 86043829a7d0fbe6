import Foundation
import IlluminatiPostgres

/// Runs the handlers of one claim loop on that loop's own thread: the loop drains this
/// executor while it waits for its batch. Handlers therefore never depend on (or block) the
/// shared Swift concurrency pool, and CPU-bound handlers use exactly `concurrency` threads.
/// A handler that never suspends keeps the thread until it returns: deadlines and stops are
/// cooperative (the database reaper still takes the job back past its deadline).
final class ClaimLoopExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [UnownedJob] = []

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs queued work on the calling thread until `done()` or `deadline`.
    func drain(until deadline: ContinuousClock.Instant, done: () -> Bool) {
        while !done() {
            condition.lock()
            while queue.isEmpty {
                let left = deadline - ContinuousClock.now
                if left <= .zero {
                    condition.unlock()
                    return
                }
                _ = condition.wait(until: Date(timeIntervalSinceNow: left.inSeconds))
            }
            let job = queue.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
