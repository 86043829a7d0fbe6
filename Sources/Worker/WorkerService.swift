import IlluminatiQueue
import ServiceLifecycle

/// The queue worker as a service: a graceful shutdown (SIGTERM, SIGINT) stops claiming and
/// gives running jobs the grace period before they are released.
struct WorkerService: Service {
    let worker: QueueWorker
    let grace: Duration

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await worker.run()
        } onGracefulShutdown: {
            worker.stop(grace: grace)
        }
    }
}
