import Foundation

extension Executables.Running {
    public var isRunning: Bool { process.isRunning }

    /// Waits up to `timeout` for the process to exit; nil if it is still running.
    public func finish(timeout: Duration) -> Executables.Outcome? {
        let end = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < end { usleep(20_000) }
        return process.isRunning ? nil : finish()
    }

    /// What the process has written to stdout so far.
    public var stdoutSoFar: String { (try? String(contentsOfFile: stdoutFile, encoding: .utf8)) ?? "" }

    /// Waits up to `timeout` for a stdout line containing `text`, and returns that line.
    public func waitForLine(containing text: String, timeout: Duration) -> String? {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if let line = stdoutSoFar.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            guard process.isRunning else { return nil }
            usleep(50_000)
        }
        return nil
    }

    /// What the process has written to stderr so far.
    public var stderrSoFar: String { (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? "" }

    /// Waits up to `timeout` for a stderr line containing `text` (logs and progress go there),
    /// and returns that line; nil on timeout or when the process ends without writing it.
    public func waitForStderrLine(containing text: String, timeout: Duration) -> String? {
        let end = ContinuousClock.now + timeout
        while true {
            let running = process.isRunning
            if let line = stderrSoFar.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            guard running && ContinuousClock.now < end else { return nil }
            usleep(50_000)
        }
    }

    /// Sends `signal` (e.g. SIGTERM, SIGKILL) to the process.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Kills the process and waits for it, which removes its output files: a test's cleanup.
    public func stop() {
        send(SIGKILL)
        _ = finish(timeout: .seconds(10))
    }
}
