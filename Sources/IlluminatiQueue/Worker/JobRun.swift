import Dispatch
import Foundation

/// One job handed to its handler: the handler runs as a Task on its claim loop's executor.
/// Stopping cancels the Task; a handler that ignores cancellation is abandoned after the
/// grace period (its result, if it ever comes, is dropped).
final class JobRun: @unchecked Sendable {
    enum Result {
        case succeeded(String?)
        case failed(any Error)
    }

    let job: ClaimedJob
    let context = JobContext()
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var stored: Result?
    let started = ContinuousClock.now

    init(job: ClaimedJob) { self.job = job }

    func start(_ handler: @escaping JobKinds.Handler, on executor: ClaimLoopExecutor) {
        let job = self.job, context = self.context
        let task = Task(executorPreference: executor) { [self] in
            let outcome: Result
            do { outcome = .succeeded(try await handler(job, context)) } catch { outcome = .failed(error) }
            store(outcome)
        }
        lock.lock(); self.task = task; lock.unlock()
    }

    private func store(_ outcome: Result) {
        lock.lock(); stored = outcome; lock.unlock()
    }

    var result: Result? {
        lock.lock(); defer { lock.unlock() }
        return stored
    }

    func stop(_ reason: JobStopReason) {
        guard context.stop(reason) else { return }
        lock.lock(); let task = self.task; lock.unlock()
        task?.cancel()
    }
}
