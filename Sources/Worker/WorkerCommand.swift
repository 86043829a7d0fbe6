import ArgumentParser
import Foundation
import IlluminatiBuild
import IlluminatiCommandLine
import IlluminatiMetrics
import IlluminatiPostgres
import IlluminatiProcess
import IlluminatiQueue
import Logging
import ServiceLifecycle

/// `illuminati-worker`: stateless; claims jobs of any build from the queue, renders, writes
/// to the shared storage and completes them. Start and stop any number, anywhere, any time.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "illuminati-worker",
        abstract: "Renders pyramid tiles for jobs claimed from the PostgreSQL queue.",
        discussion: """
            SIGTERM or SIGINT stops claiming; running jobs get --grace seconds to finish, then they \
            are released for another worker.
            """,
        version: WorkerVersion.current)

    @Option(name: .long, help: ArgumentHelp("PostgreSQL URL (default: DATABASE_URL, then PG* variables).", valueName: "url"))
    var databaseURL: String?

    @Option(name: .long, help: ArgumentHelp("Join the private cluster of this state folder when no URL is given.", valueName: "dir"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("Shared storage root (default: ILLUMINATI_STORAGE, else <state-dir>/storage).", valueName: "dir"))
    var storage: String?

    @Option(name: .long, help: "Jobs run at once (default: the number of cores).")
    var concurrency: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Cores this worker has: it claims only jobs that need at most this many (default: the machine's).")
    var cores: Int = WorkerCapacity.machine().cores

    @Option(name: .long, help: ArgumentHelp("Memory this worker has, in MB: it claims only jobs that need at most this much "
                                            + "(default: the machine's physical memory).", valueName: "MB"))
    var memory: Int = WorkerCapacity.machine().memoryMB

    @Option(name: .long, help: ArgumentHelp("Seconds without a heartbeat after which this worker's jobs go to others.", valueName: "s"))
    var lease: Int = 30

    @Option(name: .long, help: "Exit after this many jobs.")
    var maxJobs: Int?

    @Option(name: .long, help: ArgumentHelp("Exit after this many seconds without a job.", valueName: "s"))
    var idleExit: Double?

    @Option(name: .long, help: ArgumentHelp("Seconds running jobs get to finish on SIGTERM/SIGINT.", valueName: "s"))
    var grace: Double = 20

    @Option(name: .long, help: "Serve Prometheus metrics at http://<address>:<port>/metrics.")
    var metricsPort: Int?

    // Loopback by default: metrics are for a local scraper (or a sidecar); expose them with
    // --metrics-host 0.0.0.0. --metrics-address is the option's earlier name.
    @Option(name: [.customLong("metrics-host"), .customLong("metrics-address")],
            help: ArgumentHelp("Address the metrics endpoint listens on (0.0.0.0: every interface).", valueName: "address"))
    var metricsHost: String = "127.0.0.1"

    @Option(name: .long, help: ArgumentHelp("Decoded-image cache, shared by all builds, in MiB.", valueName: "MiB"))
    var cacheMb: Int = 128

    @Option(name: .long, help: ArgumentHelp("Render contexts (illumination correction maps) kept across builds, in MiB.",
                                            valueName: "MiB"))
    var contextCacheMb: Int = 64

    @Option(name: .long, help: ArgumentHelp("Seconds to keep trying when PostgreSQL is down at start.", valueName: "s"))
    var connectTimeout: Double = 60

    @Option(name: .long, help: .hidden)
    var parentLifeline: Int32?

    @OptionGroup var log: LogLevelOptions

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard JobRequest.coreRange.contains(cores) else { throw ValidationError("--cores must be at least 1") }
        guard JobRequest.memoryRange.contains(memory) else { throw ValidationError("--memory must be 0 or more MB") }
        guard cacheMb >= 0, contextCacheMb >= 0 else { throw ValidationError("cache sizes must not be negative") }
        guard lease >= 2 else { throw ValidationError("--lease must be at least 2 seconds") }
        if let maxJobs, maxJobs < 1 { throw ValidationError("--max-jobs must be at least 1") }
        if let idleExit, idleExit <= 0 { throw ValidationError("--idle-exit must be positive") }
        if let metricsPort, !(1...65535).contains(metricsPort) { throw ValidationError("--metrics-port must be 1…65535") }
    }

    func run() async throws {
        log.bootstrap()
        let logger = Logger(label: "illuminati.worker")
        if let parentLifeline {
            // Started by `submit --workers`: stop (gracefully, as on SIGTERM) when it is gone.
            ParentLifeline.watch(descriptor: parentLifeline) {
                logger.notice("the command that started this worker has exited; stopping")
                kill(getpid(), SIGTERM)
            }
        }
        let metrics = PrometheusExport.bootstrap(creating: MetricCatalog.queue)
        let conninfo = try WorkerDatabase.conninfo(databaseURL: databaseURL, stateDir: stateDir)
        let storageRoot = try WorkerDatabase.storageRoot(storage, stateDir: stateDir)
        let startupRetry = ConnectionRetry(giveUpAfter: .milliseconds(Int(connectTimeout * 1000)))
        try WorkerDatabase.checkSchema(conninfo, retry: startupRetry)

        let runner = BuildJobRunner(storageRoot: storageRoot, conninfo: conninfo, cacheBytes: cacheMb << 20,
                                    contextCacheBytes: contextCacheMb << 20, logger: logger)
        runner.connectAhead()
        let limits = JobLimits(maxJobs: maxJobs, idleExit: idleExit.map { Duration.milliseconds(Int($0 * 1000)) })
        var configuration = QueueWorkerConfiguration(conninfo: conninfo, concurrency: concurrency, batchSize: 1,
                                                     lease: .seconds(lease),
                                                     heartbeatInterval: .milliseconds(max(500, lease * 1000 / 6)),
                                                     version: WorkerVersion.current, cores: cores, memoryMB: memory)
        configuration.startupRetry = startupRetry
        configuration.pollInterval = .seconds(1)
        configuration.idlePollInterval = .seconds(3)
        let worker = QueueWorker(configuration: configuration, kinds: limits.wrap(runner.kinds), logger: logger)
        let graceDuration = Duration.milliseconds(Int(grace * 1000))
        limits.onLimit = { reason in
            logger.notice("\(reason); stopping")
            worker.stop(grace: graceDuration)
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: WorkerService(worker: worker, grace: graceDuration),
                  successTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if let metricsPort {
            let server = try MetricsServer(address: metricsHost, port: metricsPort, metrics: metrics, logger: logger)
            services.append(.init(service: server))
        }
        if idleExit != nil { services.append(.init(service: IdleWatch(limits: limits))) }
        logger.notice("illuminati-worker \(WorkerVersion.current): \(concurrency) job(s) at once, \(cores) cores, \(memory) MB, storage \(storageRoot)")
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as QueueWorkerError {
            throw WorkerExit(message: error.description, code: 1)
        }
    }
}

enum WorkerVersion {
    static let current = "0.1.0"
}

/// A message and an exit code, for main.
struct WorkerExit: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    var description: String { message }
}
