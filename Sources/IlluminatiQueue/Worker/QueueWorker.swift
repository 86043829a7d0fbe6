import Foundation
import IlluminatiPostgres
import Logging

public enum QueueWorkerError: Error, Sendable, CustomStringConvertible {
    /// PostgreSQL could not be reached at start within the retry budget.
    case databaseUnavailable(String)

    public var description: String {
        switch self {
        case .databaseUnavailable(let message): return "the job queue's database is unavailable: \(message)"
        }
    }
}

/// A generic worker: claims jobs, runs them with the handler of their kind (`JobKinds`),
/// and writes the outcomes — with heartbeats, LISTEN plus jittered polling, reconnection with
/// backoff when PostgreSQL restarts, and a graceful stop that finishes or releases running
/// jobs within a deadline. It claims only jobs of the kinds it has handlers for and that fit
/// its cores and memory; a job of another kind that reaches it anyway is dead-lettered at once.
///
/// Threads, not the Swift concurrency pool, carry the blocking libpq calls: one per claim
/// loop plus one for heartbeats. Handlers run as Tasks.
public final class QueueWorker: @unchecked Sendable {
    public let configuration: QueueWorkerConfiguration
    let kinds: JobKinds
    let logger: Logger
    private let state = WorkerState()

    public init(configuration: QueueWorkerConfiguration, kinds: JobKinds,
                logger: Logger = Logger(label: "illuminati.queue.worker")) {
        self.configuration = configuration
        self.kinds = kinds
        self.logger = logger
    }

    /// The id this process is registered under (it changes if the worker was presumed dead
    /// and registered again); nil before `run`.
    public var workerID: WorkerID? {
        let id = state.workerID
        return id.rawValue == "00000000-0000-0000-0000-000000000000" ? nil : id
    }

    /// Stops claiming; running jobs get `grace` to finish, then they are stopped and released
    /// (their attempt given back). Callable from any thread, e.g. a signal handler's queue.
    public func stop(grace: Duration) {
        logger.info("stopping; running jobs have \(grace) to finish")
        state.requestStop(grace: grace)
    }

    /// Runs until stopped, blocking the calling thread. Throws
    /// `QueueWorkerError.databaseUnavailable` when the database cannot be reached at start.
    public func runBlocking() throws {
        try configuration.validate()
        guard !kinds.isEmpty else { throw QueueError.invalidArgument("a worker needs at least one job kind") }
        let connection: DatabaseConnection
        do {
            connection = try DatabaseConnection.connect(
                conninfo: configuration.conninfo, applicationName: configuration.applicationName,
                retry: configuration.startupRetry, logger: logger, shouldStop: { [state] in state.isStopping })
        } catch {
            throw QueueWorkerError.databaseUnavailable("\(error)")
        }
        let info = WorkerInfo(hostname: configuration.hostname, version: configuration.version,
                              kinds: kinds.names, concurrency: configuration.concurrency * configuration.batchSize,
                              lease: configuration.lease, cores: configuration.cores, memoryMB: configuration.memoryMB)
        state.workerID = try WorkerRegistry(connection).register(info)
        var logger = self.logger
        logger[metadataKey: "worker"] = "\(state.workerID)"
        logger.info("worker registered", metadata: [
            "concurrency": "\(configuration.concurrency)", "batch": "\(configuration.batchSize)",
            "cores": "\(info.cores)", "memory_mb": "\(info.memoryMB)",
            "kinds": "\(info.kinds.joined(separator: ","))"])

        let done = DispatchGroup()
        for index in 0..<configuration.concurrency {
            state.laneStarted()
            let loop = ClaimLoop(index: index, configuration: configuration, kinds: kinds, capacity: info.capacity, state: state,
                                 logger: logger)
            done.enter()
            Self.spawn(name: "claim-\(index)") { loop.run(); done.leave() }
        }
        let heartbeat = HeartbeatLoop(configuration: configuration, info: info, state: state, logger: logger)
        done.enter()
        Self.spawn(name: "heartbeat") { heartbeat.run(connection: connection); done.leave() }
        done.wait()
        logger.info("worker stopped")
    }

    /// `runBlocking` on its own thread, for async callers.
    public func run() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Self.spawn(name: "worker") {
                do { try self.runBlocking(); continuation.resume() } catch { continuation.resume(throwing: error) }
            }
        }
    }

    private static func spawn(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = "illuminati-\(name)"
        thread.start()
    }
}
