import IlluminatiCoordinator

extension LocalWorkers {
    /// Local workers that the interruption guard stops when the command is interrupted.
    static func guarded() throws -> LocalWorkers {
        try LocalWorkers(started: InterruptionGuard.track, stopped: InterruptionGuard.untrack)
    }
}
