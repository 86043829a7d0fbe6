import Foundation
import IlluminatiBuild
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiImaging
import IlluminatiPostgres
import IlluminatiQueue
import Logging

/// `init`: decides every layer's window, plans the jobs and records the build (not started),
/// and writes the windows and the sites' alignment crops into the experiment model.
/// A planned build that never started is replaced; a started one is left alone.
public struct PlanBuild {
    public var logger: Logger
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Windows decided so far of all to decide (reading every layer's images takes a while).
    public var windowProgress: @Sendable (_ done: Int, _ total: Int) -> Void

    public init(logger: Logger, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                windowProgress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }) {
        self.logger = logger
        self.threads = threads
        self.windowProgress = windowProgress
    }

    public struct Outcome {
        public var build: Int64
        public var replaced: Int64?
        public var descriptor: BuildDescriptor
        public var plan: BuildPlan
    }

    /// Plans the build and records what it did in the experiment's init log (`phase_logs`),
    /// whether it succeeded or not.
    public func run(experimentName: String, options: BuildOptions, connection: DatabaseConnection) throws -> Outcome {
        let stored = try ExperimentStore(connection).load(experimentName)
        return try PhaseRecording(phase: .`init`, experimentID: stored.id, logger: logger).run(on: connection) { log in
            let outcome = try plan(stored, options: options, connection: connection, log: log)
            return (outcome, outcome.build)
        }
    }

    private func plan(_ stored: StoredExperiment, options: BuildOptions, connection: DatabaseConnection,
                      log: Logger) throws -> Outcome {
        let experimentName = stored.experiment.name
        let experiment = stored.experiment
        let layers = options.layers.map { ", layers \($0.joined(separator: ","))" } ?? ""
        log.info("planning \(experimentName): batch size \(options.batchSize), align \(options.align), illumcorr \(options.illumcorr), clip \(Self.describe(options.clip.upper)), quality \(options.quality)\(layers)")
        if options.align && experiment.shifts.isEmpty {
            log.warning("--align: the manifest gives no shifts, so no site moves and nothing is cropped")
        }
        let builds = BuildStore(connection)
        var replaced: Int64?
        if let latest = try builds.latestBuild(experiment: stored.id) {
            switch latest.state {
            case .running, .paused:
                throw BuildError.buildStarted(experiment: experimentName, build: latest.id)
            case .planned:
                try builds.cancel(latest.id)
                replaced = latest.id
                log.info("replaced build \(latest.id), which had not started")
            case .succeeded, .cancelled:
                break
            }
        }
        let layout = try PlateLayout(experiment.layoutSpec)
        let deciding = Date()
        let descriptor = try BuildPlanner.descriptor(experiment: experiment, layout: layout, options: options,
                                                     threads: threads, progress: windowProgress)
        log.info("decided \(descriptor.layers.count) intensity window(s) in \(String(format: "%.2f", Date().timeIntervalSince(deciding))) s")
        let plan = try BuildPlanner.plan(descriptor, experiment: experiment, experimentID: stored.id,
                                         params: try QueueJSON.encode(descriptor))
        let build = try builds.create(plan, start: false)
        // Kept where SQL can read them, as TissueMAPS did; the build itself reads its descriptor.
        try connection.transaction { db in
            let store = ExperimentStore(db)
            try store.recordWindows(experimentID: stored.id, descriptor.layers.map {
                ($0.spec.name, $0.spec.window.lower, $0.spec.window.upper)
            })
            try store.recordResidues(experimentID: stored.id, experiment: experiment)
        }
        for layer in plan.layers {
            let window = descriptor.layer(layer.name).map { ", window \($0.spec.window)" } ?? ""
            log.info("layer \(layer.name): \(layer.stages.map { "\($0.count)" }.joined(separator: " → ")) jobs per stage\(window)")
        }
        log.info("planned build \(build) of \(experimentName): \(plan.jobCount) jobs")
        return Outcome(build: build, replaced: replaced, descriptor: descriptor, plan: plan)
    }

    private static func describe(_ clip: ClipRule) -> String {
        switch clip {
        case .none: "none"
        case .percentile(let percent): "at the \(percent) percentile"
        case .value(let value): "at \(value)"
        }
    }
}
