import Foundation

/// A fixed number of threads working through numbered tasks, for the local pyramid build:
/// unlike `concurrentPerform`, the thread count is exactly what the user asked for.
public enum ParallelWork {
    /// Runs `body(i)` for every i in 0..<count on `threads` threads (the calling thread is one
    /// of them), handing out indices in ascending order. After the first error no new index is
    /// started; that error is rethrown once all threads have stopped.
    public static func forEach(count: Int, threads: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        guard count > 0 else { return }
        let state = SharedProgress(count: count)
        let workers = max(1, min(threads, count))
        let done = DispatchSemaphore(value: 0)
        for _ in 1..<workers {
            let thread = Thread {
                state.work(body)
                done.signal()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        state.work(body)
        for _ in 1..<workers { done.wait() }
        if let error = state.firstError { throw error }
    }
}

private final class SharedProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private var next = 0
    private var error: (any Error)?

    init(count: Int) { self.count = count }

    var firstError: (any Error)? { lock.withLock { error } }

    func work(_ body: (Int) throws -> Void) {
        while let index = take() {
            do {
                try body(index)
            } catch {
                lock.withLock { if self.error == nil { self.error = error } }
            }
        }
    }

    private func take() -> Int? {
        lock.withLock {
            guard error == nil, next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
