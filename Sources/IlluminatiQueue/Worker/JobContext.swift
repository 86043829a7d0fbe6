import Foundation
import IlluminatiCore

/// A failure a retry cannot fix, for handlers whose errors do not classify themselves.
public struct PermanentJobError: ClassifiedError, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    public var errorClass: ErrorClass { .badInput }
}

/// Why a running job is being stopped.
public enum JobStopReason: String, Sendable {
    /// Another worker may own it now (reaped, restarted build); its result would be dropped.
    case leaseLost
    /// Its build was cancelled.
    case buildCancelled
    /// It ran past its runtime limit.
    case deadline
    /// The worker is shutting down and the grace period is over.
    case shutdown
}

/// Handed to a job handler. The handler's Task is cancelled when the job must stop; long
/// loops that do not await can poll `stopReason` or `Task.isCancelled`.
public final class JobContext: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: JobStopReason?
    private var stoppedAt: ContinuousClock.Instant?

    init() {}

    public var stopReason: JobStopReason? {
        lock.lock(); defer { lock.unlock() }
        return reason
    }

    public var isStopped: Bool { stopReason != nil }

    /// Records the first reason; later ones do not replace it.
    @discardableResult
    func stop(_ newReason: JobStopReason) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard reason == nil else { return false }
        reason = newReason
        stoppedAt = .now
        return true
    }

    /// When the first stop was requested.
    var stopTime: ContinuousClock.Instant? {
        lock.lock(); defer { lock.unlock() }
        return stoppedAt
    }
}
