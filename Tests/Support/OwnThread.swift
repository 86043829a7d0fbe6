import Foundation

/// Runs blocking work (a socket read, a child process waited for) on a thread of its own: on
/// Swift's few cooperative threads it would starve a server's handlers running in the same
/// test process.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
