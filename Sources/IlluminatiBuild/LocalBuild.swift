import Foundation
import IlluminatiCore
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiStorage
import Logging

/// How `illuminati pyramid` runs a build on this machine; what it builds is `BuildOptions`.
public struct LocalBuildSettings: Sendable {
    public var threads = 1
    /// The decoded-image cache, shared by every job of the build.
    public var cacheBytes = 96 << 20
    public var keepIntermediate = false
    /// Shards, as `submit` writes, unless a plain DeepZoom folder is asked for.
    public var format = PyramidFormat.shards

    public init() {}
}

public struct LocalBuildSummary: Sendable {
    public var layers: [String]
    public var result = PyramidJobResult()
    /// Pyramid jobs, and the most pyramid stages of any layer.
    public var jobs = 0
    public var stages = 0
    public var statisticsFiles: [String] = []
    public var windows: [String: IntensityWindow] = [:]
    public var seconds = 0.0
}

/// The in-process executor of a build, with no database: the plan `init` would put in the
/// queue (`BuildPlanner`), run by the handlers a worker runs (`BuildJobKind`), so that
/// `pyramid` and `submit` write the same bytes. Layers whose dependencies are done run
/// together, stage by stage; the jobs of a stage run on `threads` threads and share one
/// image cache and one render context per channel.
public struct LocalBuild {
    public var experiment: Experiment
    public var layout: PlateLayout
    /// Laid out as a build's experiment folder on the storage.
    public var output: String
    public var options: BuildOptions
    /// Statistics files or folders to correct with (`--illumcorr-stats`), instead of
    /// computing statistics.
    public var statisticsInputs: [String]
    public var settings: LocalBuildSettings
    public var logger: Logger
    /// Called with a phase name, work done and total; from worker threads.
    public var progress: (@Sendable (String, Int, Int) -> Void)?

    public init(experiment: Experiment, layout: PlateLayout, output: String, options: BuildOptions,
                statisticsInputs: [String] = [], settings: LocalBuildSettings = LocalBuildSettings(),
                logger: Logger = Logger(label: "illuminati.pyramid"),
                progress: (@Sendable (String, Int, Int) -> Void)? = nil) {
        self.experiment = experiment
        self.layout = layout
        self.output = output
        self.options = options
        self.statisticsInputs = statisticsInputs
        self.settings = settings
        self.logger = logger
        self.progress = progress
    }

    public func run() throws -> LocalBuildSummary {
        let started = DispatchTime.now()
        let threads = max(1, settings.threads)
        let storage = ExperimentStorage(directory: output, pyramidFormat: settings.format)
        var given: [String: String] = [:]
        if !statisticsInputs.isEmpty {
            let channels = try ExperimentLayers.select(options.layers, in: experiment).map { experiment.channels[$0.key.channel].name }
            given = try GivenStatistics.resolve(statisticsInputs, channels: Array(Set(channels)).sorted(),
                                                siteSize: experiment.siteSize, logger: logger)
        }
        let progress = self.progress
        let descriptor = try BuildPlanner.descriptor(experiment: experiment, layout: layout, options: options,
                                                     statisticsFiles: given, threads: threads) { done, total in
            progress?("intensity windows", done, total)
        }
        try clean(storage, for: descriptor)

        let plan = BuildPlanner.layers(descriptor, experiment: experiment)
        let pyramidStages = plan.filter { !BuildLayerName.isStatistics($0.name) }.map { $0.stages.count - 1 }
        let channels = Array(Set(descriptor.layers.map(\.spec.channel))).sorted()
        var summary = LocalBuildSummary(layers: descriptor.layers.map(\.spec.name))
        summary.stages = pyramidStages.max() ?? 0
        summary.jobs = plan.flatMap(\.stages).joined().filter { if case .pyramid = $0 { true } else { false } }.count
        summary.statisticsFiles = channels.compactMap { descriptor.statisticsPath(channel: $0, storage: storage) }
        for layer in descriptor.layers {
            summary.windows[layer.spec.name] = layer.spec.window
            logger.info("layer \(layer.spec.name): \(layer.spec.sites.count) sites, window \(layer.spec.window)")
        }

        let images = ImageCache<String, GrayImage>(capacityBytes: settings.cacheBytes)
        // One context per channel, made once (by the first job that needs it) and kept.
        let contexts = ImageCache<String, RenderContext>(capacityBytes: Int.max)
        let handlers = BuildJobHandlers(descriptor: descriptor, storage: storage,
                                        keepsIntermediates: settings.keepIntermediate) { channel in
            try contexts.value(for: channel, cost: { _ in 0 }) {
                try BuildJobHandlers.makeRenderContext(channel: channel, descriptor: descriptor, storage: storage,
                                                       cache: images, bands: threads)
            }
        }
        summary.result = try run(plan, handlers: handlers, threads: threads)
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return summary
    }

    /// Runs the layers whose dependencies are done, stage by stage, until none is left.
    private func run(_ plan: [BuildLayerPlan], handlers: BuildJobHandlers, threads: Int) throws -> PyramidJobResult {
        let tally = JobTally(plan)
        let progress = self.progress
        let logger = self.logger
        var done = Set<String>()
        var waiting = plan
        while !waiting.isEmpty {
            let ready = waiting.filter { $0.after.allSatisfy(done.contains) }
            guard !ready.isEmpty else { throw BuildError.invalidOption("the plan's layers wait for each other") }
            waiting.removeAll { layer in ready.contains { $0.name == layer.name } }
            for stage in 0..<(ready.map(\.stages.count).max() ?? 0) {
                let jobs = ready.flatMap { stage < $0.stages.count ? $0.stages[stage] : [] }
                try ParallelWork.forEach(count: jobs.count, threads: threads) { index in
                    let job = jobs[index]
                    let outcome: BuildJobOutcome
                    do {
                        outcome = try handlers.run(job)
                    } catch {
                        throw LocalBuildError(job: job, underlying: error)
                    }
                    if case .statisticsMerge(let merge) = job, case .statistics(let count) = outcome, count < 2 {
                        logger.warning("illumination statistics of channel \(merge.channel) come from \(count) image(s); it is not corrected")
                    }
                    let (phase, finished, total) = tally.add(job, outcome)
                    progress?(phase, finished, total)
                }
            }
            done.formUnion(ready.map(\.name))
            if ready.contains(where: { BuildLayerName.isStatistics($0.name) }) { AllocatorTuning.releaseFreeMemory() }
            logMemory("after layers \(ready.map(\.name).joined(separator: ", "))")
        }
        return tally.result
    }

    /// Removes what an earlier build left of these layers and statistics, so that the folder
    /// holds only this build's files of them (a `submit` empties the whole experiment folder;
    /// this folder may hold other things).
    private func clean(_ storage: ExperimentStorage, for descriptor: BuildDescriptor) throws {
        try storage.create()
        for layer in descriptor.layers.map(\.spec.name) { try storage.pyramids.removeLayer(layer) }
        for channel in descriptor.correctedChannels { try storage.removeStatistics(channel: channel) }
    }

    private func logMemory(_ moment: String) {
        guard let memory = ProcessMemory.resident() else { return }
        logger.debug("memory \(moment): resident \(memory.current) MiB, peak \(memory.peak) MiB")
    }
}

/// A job of a local build that failed, naming the job.
public struct LocalBuildError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(job: BuildJob, underlying: any Error) {
        switch job {
        case .statisticsPartial(let work): description = "illumination statistics of \(work.channel), part \(work.part): \(underlying)"
        case .statisticsMerge(let work): description = "merging the illumination statistics of \(work.channel): \(underlying)"
        case .pyramid(let work): description = "\(work): \(underlying)"
        case .layerFinish(let work): description = "finishing layer \(work.layer): \(underlying)"
        }
    }
}

/// Jobs done per phase (statistics, rendering) and the sum of the pyramid jobs' results.
private final class JobTally: @unchecked Sendable {
    private let lock = NSLock()
    private var total = PyramidJobResult()
    private var statisticsDone = 0, renderingDone = 0
    private let statisticsJobs: Int, renderingJobs: Int

    init(_ plan: [BuildLayerPlan]) {
        let jobs = plan.flatMap(\.stages).joined()
        statisticsJobs = jobs.filter(Self.isStatistics).count
        renderingJobs = jobs.count - statisticsJobs
    }

    var result: PyramidJobResult { lock.withLock { total } }

    /// Adds a finished job; returns its phase with the jobs done and the total of that phase.
    func add(_ job: BuildJob, _ outcome: BuildJobOutcome) -> (String, Int, Int) {
        lock.withLock {
            if case .pyramid(let result) = outcome { total.add(result) }
            if Self.isStatistics(job) {
                statisticsDone += 1
                return ("illumination statistics", statisticsDone, statisticsJobs)
            }
            renderingDone += 1
            return ("rendering", renderingDone, renderingJobs)
        }
    }

    private static func isStatistics(_ job: BuildJob) -> Bool {
        switch job {
        case .statisticsPartial, .statisticsMerge: true
        case .pyramid, .layerFinish: false
        }
    }
}
