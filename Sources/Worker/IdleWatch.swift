import ServiceLifecycle

/// Checks `--idle-exit` twice a second until the service group shuts down.
struct IdleWatch: Service {
    let limits: JobLimits

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(500))
            limits.checkIdle()
        }
    }
}
