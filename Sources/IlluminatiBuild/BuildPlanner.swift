import IlluminatiCore
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiQueue

/// Turns an experiment and the init options into a build: the descriptor every worker reads
/// and the queue's plan of layers, levels and jobs.
///
/// Queue layers, in dependency order:
/// * `illumstats:<channel>` (with `--illumcorr`): level 0 computes partial statistics of
///   balanced batches of at most min(`batchSize`, 32) images, level 1 merges them into the
///   channel's file;
/// * one per channel layer: one queue level per pyramid stage (base first), then one
///   `layer-finish` job; it waits for the statistics of its channel.
public enum BuildPlanner {
    public static func descriptor(experiment: Experiment, layout: PlateLayout, options: BuildOptions,
                                  windows: (ChannelLayer, [SiteSource]) throws -> IntensityWindow) throws -> BuildDescriptor {
        try options.validate()
        let pyramid = try PyramidLayout(geometry: layout.pyramid)
        var layers: [BuildDescriptor.Layer] = []
        for layer in try ExperimentLayers.select(options.layers, in: experiment) {
            let sites = ExperimentLayers.sites(of: layer, in: experiment, layout: layout, align: options.align)
            let spec = LayerSpec(name: layer.name, channel: experiment.channels[layer.key.channel].name,
                                 window: try windows(layer, sites), sites: sites)
            layers.append(.init(spec: spec, cycle: layer.key.cycle, tpoint: layer.key.tpoint, zplane: layer.key.zplane))
        }
        let corrected = options.illumcorr ? Array(Set(layers.map(\.spec.channel))).sorted() : []
        return BuildDescriptor(experiment: experiment.name, options: options, layout: pyramid, siteSize: experiment.siteSize,
                               bitDepth: experiment.bitDepth, layers: layers, correctedChannels: corrected)
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

    public static func plan(_ descriptor: BuildDescriptor, experiment: Experiment, experimentID: Int64,
                            params: String) throws -> BuildPlan {
        var layers: [LayerPlan] = []
        let batch = descriptor.options.batchSize
        for channel in descriptor.correctedChannels {
            guard let index = experiment.channels.firstIndex(where: { $0.name == channel }) else { continue }
            let paths = experiment.images.filter { $0.channel == index }.map(\.path)
            let parts = statisticsBatches(paths.count, batchSize: batch).enumerated().map { part, range in
                StatisticsPartialJob(channel: channel, part: part, paths: Array(paths[range]))
            }
            let partials = try parts.map { try JobSpec(kind: BuildJobKind.statisticsPartial, payload: JSONPayload.encode($0),
                                                       locality: Int64($0.part)) }
            let merge = try JobSpec(kind: BuildJobKind.statisticsMerge,
                                    payload: JSONPayload.encode(StatisticsMergeJob(channel: channel, parts: parts.count)))
            layers.append(LayerPlan(name: BuildLayerName.statistics(channel: channel), levels: [partials, [merge]]))
        }
        for layer in descriptor.layers {
            let stages = PyramidPlanner.plan(
                layout: descriptor.layout, batchSize: batch,
                content: ExperimentLayers.content(of: layer.spec.sites, siteSize: descriptor.siteSize), layer: layer.spec.name)
            var levels: [[JobSpec]] = try stages.filter { !$0.jobs.isEmpty }.map { stage in
                try stage.jobs.map { job in
                    try JobSpec(kind: BuildJobKind.pyramid, payload: JSONPayload.encode(job),
                                locality: Int64(bitPattern: mortonCode(row: job.block.rows.lowerBound, column: job.block.columns.lowerBound)))
                }
            }
            levels.append([try JobSpec(kind: BuildJobKind.layerFinish, payload: JSONPayload.encode(LayerFinishJob(layer: layer.spec.name)))])
            let after = descriptor.correctedChannels.contains(layer.spec.channel)
                ? [BuildLayerName.statistics(channel: layer.spec.channel)] : []
            layers.append(LayerPlan(name: layer.spec.name, after: after, levels: levels))
        }
        return BuildPlan(experimentID: experimentID, params: params, layers: layers)
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
