import Foundation
import IlluminatiBuild
import IlluminatiCore
import IlluminatiDatabase
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

    public func run(experimentName: String, options: BuildOptions, connection: DatabaseConnection) throws -> Outcome {
        let stored = try ExperimentStore(connection).load(experimentName)
        let experiment = stored.experiment
        let builds = BuildStore(connection)
        var replaced: Int64?
        if let latest = try builds.latestBuild(experiment: stored.id) {
            switch latest.state {
            case .running, .paused:
                throw BuildError.buildStarted(experiment: experimentName, build: latest.id)
            case .planned:
                try builds.cancel(latest.id)
                replaced = latest.id
            case .succeeded, .cancelled:
                break
            }
        }
        let layout = try PlateLayout(experiment.layoutSpec)
        let descriptor = try BuildPlanner.descriptor(experiment: experiment, layout: layout, options: options,
                                                     threads: threads, progress: windowProgress)
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
        logger.info("planned build \(build) of \(experimentName): \(plan.jobCount) jobs")
        return Outcome(build: build, replaced: replaced, descriptor: descriptor, plan: plan)
    }
}
