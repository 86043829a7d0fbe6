import Foundation

extension Executables.Running {
    public var isRunning: Bool { process.isRunning }

    /// Waits up to `timeout` for the process to exit; nil if it is still running.
    public func finish(timeout: Duration) -> Executables.Outcome? {
        let end = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < end { usleep(20_000) }
        return process.isRunning ? nil : finish()
    }

    /// Sends `signal` (e.g. SIGTERM, SIGKILL) to the process.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }
}
