import IlluminatiPostgres

/// What wakes `submit` between its polls: the queue's NOTIFY that a stage of the build
/// finished (the last one finishes the build) or that the build was cancelled or paused.
/// Notifications are hints; the caller reads the build's state itself after every wake-up.
struct BuildNotifications {
    static let channels = ["illuminati_progress", "illuminati_control"]

    let build: Int64

    /// Listens on every channel; a session set-up (a new connection listens again).
    static func listen(on connection: DatabaseConnection) throws {
        for channel in Self.channels { try connection.listen(channel) }
    }

    /// Stops listening, so that a connection used on afterwards does not collect them.
    static func unlisten(on connection: DatabaseConnection) {
        for channel in Self.channels { try? connection.unlisten(channel) }
    }

    /// Waits until a notification about this build arrives (true) or `deadline` passes (false).
    /// Other builds' notifications are skipped.
    func wait(on connection: DatabaseConnection, until deadline: ContinuousClock.Instant) throws -> Bool {
        let payload = String(build)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            let received = try connection.waitForNotifications(timeout: left)
            if received.contains(where: { $0.payload == payload }) { return true }
        }
    }
}
