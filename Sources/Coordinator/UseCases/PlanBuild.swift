import Foundation
import IlluminatiBuild
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiQueue
import Logging

/// `init`: decides every layer's window, plans the jobs and records the build (not started).
/// A planned build that never started is replaced; a started one is left alone.
struct PlanBuild {
    var logger: Logger
    var threads = ProcessInfo.processInfo.activeProcessorCount

    struct Outcome {
        var build: Int64
        var replaced: Int64?
        var descriptor: BuildDescriptor
        var plan: BuildPlan
    }

    func run(experimentName: String, options: BuildOptions, connection: DatabaseConnection) throws -> Outcome {
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
        let expectation = ImageExpectation(width: experiment.siteSize.width, height: experiment.siteSize.height,
                                           bitDepth: experiment.bitDepth)
        let progress = ProgressLine(label: "intensity windows")
        var done = 0
        let layerCount = (options.layers?.count ?? experiment.layers.count)
        let descriptor = try BuildPlanner.descriptor(experiment: experiment, layout: layout, options: options) { layer, sites in
            defer { done += 1; progress.update(done, layerCount) }
            do {
                return try LayerWindows.decide(sites: sites, clip: options.clip, bitDepth: experiment.bitDepth,
                                               expectation: expectation, limit: options.histogramImages, threads: threads)
            } catch let error as ImageFileError {
                throw InputError("layer \(layer.name): cannot decide its intensity window: \(error)")
            }
        }
        let plan = try BuildPlanner.plan(descriptor, experiment: experiment, experimentID: stored.id,
                                         params: try JSONPayload.encode(descriptor))
        let build = try builds.create(plan, start: false)
        logger.info("planned build \(build) of \(experimentName): \(plan.jobCount) jobs")
        return Outcome(build: build, replaced: replaced, descriptor: descriptor, plan: plan)
    }
}
