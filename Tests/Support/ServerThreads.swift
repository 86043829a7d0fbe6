import Foundation

/// A task executor on a few threads of its own, for servers that tests run in their own
/// process: their handlers must answer while other tests hold Swift's few cooperative threads
/// with blocking work (a child process waited for, a database polled), or a client's read
/// times out for no fault of the server.
public final class ServerThreads: TaskExecutor, @unchecked Sendable {
    public static let shared = ServerThreads(count: 4)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(count: Int) {
        for index in 0..<count {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "test-server-\(index)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
