import IlluminatiCore
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiQueue

/// Turns an experiment and the build options into a build: the descriptor every job reads
/// and the plan of layers, stages and jobs. The only description of a build: `init` puts the
/// plan in the queue, `illuminati pyramid` runs it in its own process.
///
/// Layers, in dependency order:
/// * `illumstats:<channel>` (with `--illumcorr`): stage 0 computes partial statistics of
///   balanced batches of at most min(`batchSize`, 32) images, stage 1 merges them into the
///   channel's file;
/// * one per channel layer: one stage per pyramid stage (base first), then one
///   `layer-finish` job; it waits for the statistics of its channel.
public enum BuildPlanner {
    /// Selects the layers, places their sites and decides each layer's intensity window, from
    /// up to `options.histogramImages` of its images read on `threads` threads.
    /// - Parameters:
    ///   - statisticsFiles: channel → statistics file, for channels corrected with given
    ///     statistics instead of statistics the build computes.
    ///   - progress: layers whose window is decided, and how many there are.
    public static func descriptor(experiment: Experiment, layout: PlateLayout, options: BuildOptions,
                                  statisticsFiles: [String: String] = [:], threads: Int,
                                  progress: ((Int, Int) -> Void)? = nil) throws -> BuildDescriptor {
        try options.validate()
        let pyramid = try PyramidLayout(geometry: layout.pyramid)
        let chosen = try ExperimentLayers.select(options.layers, in: experiment)
        let expectation = ImageExpectation(width: experiment.siteSize.width, height: experiment.siteSize.height,
                                           bitDepth: experiment.bitDepth)
        var layers: [BuildDescriptor.Layer] = []
        for (index, layer) in chosen.enumerated() {
            let sites = ExperimentLayers.sites(of: layer, in: experiment, layout: layout, align: options.align)
            let window: IntensityWindow
            do {
                window = try LayerWindows.decide(sites: sites, clip: options.clip, bitDepth: experiment.bitDepth,
                                                 expectation: expectation, limit: options.histogramImages, threads: threads)
            } catch let error as ClipError {
                throw BuildError.intensityWindow(layer: layer.name, reason: error.description)
            } catch let error as ImageFileError {
                throw BuildError.intensityWindow(layer: layer.name, reason: "cannot decide its intensity window: \(error)")
            }
            let spec = LayerSpec(name: layer.name, channel: experiment.channels[layer.key.channel].name,
                                 window: window, sites: sites)
            layers.append(.init(spec: spec, cycle: layer.key.cycle, tpoint: layer.key.tpoint, zplane: layer.key.zplane))
            progress?(index + 1, chosen.count)
        }
        let channels = Set(layers.map(\.spec.channel))
        let given = statisticsFiles.filter { channels.contains($0.key) }
        let corrected = options.illumcorr ? channels.filter { given[$0] == nil }.sorted() : []
        return BuildDescriptor(experiment: experiment.name, options: options, layout: pyramid, siteSize: experiment.siteSize,
                               bitDepth: experiment.bitDepth, layers: layers, correctedChannels: corrected,
                               statisticsFiles: given.isEmpty ? nil : given)
    }

    /// Largest number of images one statistics job sums. The statistics stage runs before any
    /// tile of the channel can, so it must spread over the workers even when `--batch-size`
    /// (tiles per job) would put a whole well in one job; a partial file is two float64 planes
    /// of the site size, so many tiny parts would cost more to write and merge than they save.
    public static let statisticsImagesPerJob = 32

    /// `count` images cut into the fewest batches of at most min(batchSize, 32) images, of
    /// sizes that differ by at most one.
    public static func statisticsBatches(_ count: Int, batchSize: Int) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let limit = max(1, min(batchSize, statisticsImagesPerJob))
        let parts = (count + limit - 1) / limit
        return (0..<parts).map { part in (part * count / parts)..<((part + 1) * count / parts) }
    }

    /// The build's jobs, layer by layer and stage by stage.
    public static func layers(_ descriptor: BuildDescriptor, experiment: Experiment) -> [BuildLayerPlan] {
        var layers: [BuildLayerPlan] = []
        let batch = descriptor.options.batchSize
        for channel in descriptor.correctedChannels {
            guard let index = experiment.channels.firstIndex(where: { $0.name == channel }) else { continue }
            let paths = experiment.images.filter { $0.channel == index }.map(\.path)
            let parts = statisticsBatches(paths.count, batchSize: batch).enumerated().map { part, range in
                BuildJob.statisticsPartial(StatisticsPartialJob(channel: channel, part: part, paths: Array(paths[range])))
            }
            let merge = BuildJob.statisticsMerge(StatisticsMergeJob(channel: channel, parts: parts.count))
            layers.append(BuildLayerPlan(name: BuildLayerName.statistics(channel: channel), stages: [parts, [merge]]))
        }
        for layer in descriptor.layers {
            let stages = PyramidPlanner.plan(
                layout: descriptor.layout, batchSize: batch,
                content: ExperimentLayers.content(of: layer.spec.sites, siteSize: descriptor.siteSize), layer: layer.spec.name)
            var chain = stages.filter { !$0.jobs.isEmpty }.map { $0.jobs.map(BuildJob.pyramid) }
            chain.append([.layerFinish(LayerFinishJob(layer: layer.spec.name))])
            let after = descriptor.correctedChannels.contains(layer.spec.channel)
                ? [BuildLayerName.statistics(channel: layer.spec.channel)] : []
            layers.append(BuildLayerPlan(name: layer.spec.name, after: after, stages: chain))
        }
        return layers
    }

    /// The queue's form of `layers`: each job as its kind and payload, with a claim order
    /// that keeps neighbouring jobs together.
    public static func plan(_ descriptor: BuildDescriptor, experiment: Experiment, experimentID: Int64,
                            params: String) throws -> BuildPlan {
        let layers = try layers(descriptor, experiment: experiment).map { layer in
            LayerPlan(name: layer.name, after: layer.after, stages: try layer.stages.map { try $0.map(jobSpec) })
        }
        return BuildPlan(experimentID: experimentID, params: params, layers: layers)
    }

    static func jobSpec(_ job: BuildJob) throws -> JobSpec {
        switch job {
        case .statisticsPartial(let args): try JobSpec(args: args, locality: Int64(args.part))
        case .statisticsMerge(let args): try JobSpec(args: args)
        case .pyramid(let args):
            try JobSpec(args: args, locality: Int64(bitPattern: mortonCode(row: args.block.rows.lowerBound,
                                                                           column: args.block.columns.lowerBound)))
        case .layerFinish(let args): try JobSpec(args: args)
        }
    }

    /// Interleaves the bits of row and column, so that jobs claimed one after another lie
    /// next to each other and share site images in a worker's cache.
    static func mortonCode(row: Int, column: Int) -> UInt64 {
        var code: UInt64 = 0
        for bit in 0..<32 {
            code |= (UInt64(column >> bit) & 1) << (2 * bit)
            code |= (UInt64(row >> bit) & 1) << (2 * bit + 1)
        }
        return code
    }
}
