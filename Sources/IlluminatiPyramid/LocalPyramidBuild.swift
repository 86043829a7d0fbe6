import Foundation
import IlluminatiCore
import IlluminatiImaging
import Logging

/// Illumination correction for a local build.
public enum IlluminationSource: Hashable, Sendable {
    case none
    /// Compute the statistics of every channel that is built, from all of its images.
    case compute
    /// Statistics files, or folders of `*.illumstats` files; the channel comes from each header.
    case files([String])
}

public struct LocalBuildOptions: Sendable {
    /// Layer names to build; nil builds all.
    public var layers: [String]?
    public var quality = 95
    public var threads = 1
    public var clip = ClipRequest()
    public var illumination = IlluminationSource.none
    public var align = false
    /// Tiles per job (rounded down to a square power of two); 64 keeps a job's canvas at 8 MB.
    public var batchSize = 64
    public var cacheBytes = 96 << 20
    /// At most this many images (evenly spaced) are counted for a layer's percentiles.
    public var histogramImages = 1000
    public var keepIntermediate = false

    public init() {}
}

public struct LocalBuildSummary: Sendable {
    public var layers: [String]
    public var result = PyramidJobResult()
    public var jobs = 0
    public var stages = 0
    public var statisticsFiles: [String] = []
    public var windows: [String: IntensityWindow] = [:]
    public var seconds = 0.0
}

/// Builds DeepZoom pyramids for an experiment on this machine, with no database: the same
/// planner and renderer the distributed workers use, on a fixed number of threads.
///
/// Order: (1) illumination statistics, computed or read; (2) one intensity window per layer;
/// (3) plan; (4) stages in order, the jobs of a stage in parallel; (5) per layer, the `.dzi`,
/// the shared black tile and the descriptor; (6) the intermediates are removed.
public struct LocalPyramidBuild {
    public var experiment: Experiment
    public var layout: PlateLayout
    public var output: String
    public var options: LocalBuildOptions
    public var logger: Logger
    /// Called with a phase name, work done and total; from worker threads.
    public var progress: (@Sendable (String, Int, Int) -> Void)?

    public init(experiment: Experiment, layout: PlateLayout, output: String, options: LocalBuildOptions,
                logger: Logger = Logger(label: "illuminati.pyramid"),
                progress: (@Sendable (String, Int, Int) -> Void)? = nil) {
        self.experiment = experiment
        self.layout = layout
        self.output = output
        self.options = options
        self.logger = logger
        self.progress = progress
    }

    public func run() throws -> LocalBuildSummary {
        let started = DispatchTime.now()
        let pyramid = try PyramidLayout(geometry: layout.pyramid)
        let storage = PyramidStorage(root: output)
        let threads = max(1, options.threads)
        let layers = try selectedLayers()
        try FileOutput.makeDirectory(storage.root)
        for layer in layers { try clean(layer.name, storage) }

        var summary = LocalBuildSummary(layers: layers.map(\.name))
        let (corrections, statistics) = try illumination(for: layers, storage: storage, summary: &summary)
        logMemory("after illumination statistics")

        var specs: [LayerSpec] = []
        let sitesOfLayer = layers.map { ExperimentLayers.sites(of: $0, in: experiment, layout: layout, align: options.align) }
        let counter = PercentileCounter(total: options.clip.needsHistogram
                                            ? sitesOfLayer.map { percentileImages($0).count }.reduce(0, +) : 0)
        for (layer, sites) in zip(layers, sitesOfLayer) {
            let window = try self.window(for: layer, sites: sites, counter: counter)
            summary.windows[layer.name] = window
            specs.append(LayerSpec(name: layer.name, channel: experiment.channels[layer.key.channel].name,
                                   window: window, sites: sites))
            logger.info("layer \(layer.name): \(sites.count) sites, window \(window)")
        }

        let context = try RenderContext(layout: pyramid, siteSize: experiment.siteSize, bitDepth: experiment.bitDepth,
                                        layers: specs, corrections: corrections, quality: options.quality,
                                        storage: storage, cacheBytes: options.cacheBytes)
        let plans = specs.map { spec in
            PyramidPlanner.plan(layout: pyramid, batchSize: options.batchSize,
                                content: ExperimentLayers.content(of: spec.sites, siteSize: experiment.siteSize), layer: spec.name)
        }
        summary.stages = plans.map(\.count).max() ?? 0
        let totalJobs = plans.joined().map(\.jobs.count).reduce(0, +)
        summary.jobs = totalJobs
        let tally = ResultTally()
        for stage in 0..<summary.stages {
            let jobs = plans.flatMap { stage < $0.count ? $0[stage].jobs : [] }
            let stageStart = DispatchTime.now()
            let progress = self.progress
            let logger = self.logger
            try ParallelWork.forEach(count: jobs.count, threads: threads) { index in
                let result: PyramidJobResult
                let jobStart = DispatchTime.now()
                do {
                    result = try PyramidRenderer.render(jobs[index], context: context)
                } catch {
                    throw LocalBuildError(job: jobs[index], underlying: error)
                }
                logger.trace("job \(jobs[index]) took \(Self.seconds(since: jobStart)) s")
                let done = tally.add(result)
                progress?("rendering", done, totalJobs)
            }
            logger.info("stage \(stage): \(jobs.count) jobs in \(Self.seconds(since: stageStart)) s")
            logMemory("after stage \(stage)")
        }
        summary.result = tally.total

        for (index, layer) in layers.enumerated() {
            let channel = experiment.channels[layer.key.channel].name
            let correction = statistics[channel].map { entry in
                LayerDescriptor.Correction(statistics: Self.relative(entry.path, to: storage.root), images: entry.count,
                                           smoothingSigma: 5)
            }
            let descriptor = LayerDescriptor(
                name: layer.name, channel: channel, cycle: layer.key.cycle, tpoint: layer.key.tpoint, zplane: layer.key.zplane,
                layout: pyramid, quality: options.quality, window: specs[index].window, bitDepth: experiment.bitDepth,
                clip: options.clip.upper, illuminationCorrection: correction, alignment: options.align)
            try DeepZoomFiles.write(descriptor, layout: pyramid, storage: storage)
            if !options.keepIntermediate {
                try? FileManager.default.removeItem(atPath: storage.intermediateDirectory(layer: layer.name))
            }
        }
        summary.seconds = Self.seconds(since: started)
        return summary
    }

    private func logMemory(_ moment: String) {
        guard let memory = ProcessMemory.resident() else { return }
        logger.debug("memory \(moment): resident \(memory.current) MiB, peak \(memory.peak) MiB")
    }

    private func selectedLayers() throws -> [ChannelLayer] {
        let all = experiment.layers
        guard let names = options.layers else { return all }
        var chosen: [ChannelLayer] = []
        for name in names {
            guard let layer = all.first(where: { $0.name == name }) else {
                throw LocalBuildError(usage: "no layer named \(name) (the experiment has \(all.map(\.name).joined(separator: ", ")))")
            }
            if !chosen.contains(layer) { chosen.append(layer) }
        }
        return chosen
    }

    /// Removes what an earlier build left for this layer, so the tree holds only this build.
    private func clean(_ layer: String, _ storage: PyramidStorage) throws {
        let manager = FileManager.default
        for path in [storage.tilesDirectory(layer: layer), storage.intermediateDirectory(layer: layer),
                     storage.dziPath(layer: layer), storage.descriptorPath(layer: layer)] where manager.fileExists(atPath: path) {
            do {
                try manager.removeItem(atPath: path)
            } catch {
                throw PyramidError.write(path: path, reason: "cannot remove the previous build: \(error.localizedDescription)")
            }
        }
    }

    // MARK: Illumination statistics

    /// Per channel: statistics computed (and written) or read, turned into a correction, and
    /// dropped, so only one channel's statistics are in memory at a time.
    private func illumination(for layers: [ChannelLayer], storage: PyramidStorage, summary: inout LocalBuildSummary) throws
        -> ([String: IlluminationCorrection], [String: (path: String, count: Int)])
    {
        let channels = Array(Set(layers.map { experiment.channels[$0.key.channel].name })).sorted()
        var files: [String: String] = [:]
        switch options.illumination {
        case .none:
            return ([:], [:])
        case .compute:
            try FileOutput.makeDirectory(storage.root + "/illumstats")
        case .files(let inputs):
            // Headers only name the channel; read each file once to learn it, keep the path.
            for file in try Self.statisticsFiles(inputs) {
                let channel = try IlluminationStatisticsFile.readChannel(file)
                guard channels.contains(channel) else { continue }
                if let earlier = files[channel] {
                    throw LocalBuildError(usage: "two statistics files for channel \(channel): \(earlier) and \(file)")
                }
                files[channel] = file
            }
        }
        var corrections: [String: IlluminationCorrection] = [:]
        var used: [String: (path: String, count: Int)] = [:]
        for channel in channels {
            let statistics: IlluminationStatistics
            let path: String
            if case .compute = options.illumination {
                guard let index = experiment.channels.firstIndex(where: { $0.name == channel }) else { continue }
                statistics = try computeStatistics(experiment.images.filter { $0.channel == index }.map(\.path), channel: channel)
                path = "\(storage.root)/illumstats/\(channel).\(IlluminationStatisticsFile.fileExtension)"
                try IlluminationStatisticsFile.write(statistics, channel: channel, to: path)
            } else {
                guard let file = files[channel] else {
                    throw LocalBuildError(usage: "illumination correction of channel \(channel): none of the statistics files is for this channel")
                }
                path = file
                statistics = try IlluminationStatisticsFile.read(file).statistics
            }
            summary.statisticsFiles.append(path)
            guard statistics.width == experiment.siteSize.width, statistics.height == experiment.siteSize.height else {
                throw LocalBuildError(usage: "illumination correction of channel \(channel): \(path) is for \(statistics.height)×\(statistics.width) images, the sites are \(experiment.siteSize)")
            }
            if statistics.count < 2 {
                logger.warning("illumination statistics of channel \(channel) come from \(statistics.count) image(s); it is not corrected")
            }
            corrections[channel] = IlluminationCorrection(statistics: statistics, bands: max(1, options.threads))
            used[channel] = (path, statistics.count)
        }
        AllocatorTuning.releaseFreeMemory()
        return (corrections, used)
    }

    private func computeStatistics(_ paths: [String], channel: String) throws -> IlluminationStatistics {
        var statistics = IlluminationStatistics(width: experiment.siteSize.width, height: experiment.siteSize.height)
        let expectation = ImageExpectation(width: experiment.siteSize.width, height: experiment.siteSize.height,
                                           bitDepth: experiment.bitDepth)
        let threads = max(1, options.threads)
        var done = 0
        for start in stride(from: 0, to: paths.count, by: threads) {
            let batch = Array(paths[start..<min(start + threads, paths.count)])
            let images = try Self.decode(batch, expectation: expectation, threads: threads)
            try statistics.add(images, bands: threads)
            done += batch.count
            progress?("illumination statistics \(channel)", done, paths.count)
        }
        return statistics
    }

    private static func statisticsFiles(_ inputs: [String]) throws -> [String] {
        var files: [String] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw LocalBuildError(usage: "illumination statistics \(input): no such file or folder")
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
                files += names.filter { $0.hasSuffix("." + IlluminationStatisticsFile.fileExtension) }.sorted().map { input + "/" + $0 }
            } else {
                files.append(input)
            }
        }
        return files
    }

    // MARK: Intensity windows

    /// The images whose samples decide a layer's percentiles: all, or evenly spaced ones.
    private func percentileImages(_ sites: [SiteSource]) -> [String] {
        let limit = max(1, options.histogramImages)
        return sites.count <= limit ? sites.map(\.path) : (0..<limit).map { sites[$0 * sites.count / limit].path }
    }

    private func window(for layer: ChannelLayer, sites: [SiteSource], counter: PercentileCounter) throws -> IntensityWindow {
        var histogram: IntensityHistogram?
        if options.clip.needsHistogram {
            histogram = try self.histogram(percentileImages(sites), counter: counter)
        }
        do {
            return try options.clip.window(bitDepth: experiment.bitDepth, histogram: histogram)
        } catch {
            throw LocalBuildError(usage: "layer \(layer.name): \(error)")
        }
    }

    private func histogram(_ paths: [String], counter: PercentileCounter) throws -> IntensityHistogram {
        let expectation = ImageExpectation(width: experiment.siteSize.width, height: experiment.siteSize.height,
                                           bitDepth: experiment.bitDepth)
        let threads = max(1, options.threads)
        let partials = LockedList<IntensityHistogram>()
        let progress = self.progress
        try ParallelWork.forEach(count: threads, threads: threads) { worker in
            var partial = IntensityHistogram()
            for index in stride(from: worker, to: paths.count, by: threads) {
                let image = try ImageFiles.read(paths[index], expecting: expectation)
                partial.add(image)
                progress?("percentiles", counter.advance(), counter.total)
            }
            partials.append(partial)
        }
        var total = IntensityHistogram()
        for partial in partials.items { total.merge(partial) }
        return total
    }

    private static func decode(_ paths: [String], expectation: ImageExpectation, threads: Int) throws -> [GrayImage] {
        let images = LockedList<(Int, GrayImage)>()
        try ParallelWork.forEach(count: paths.count, threads: threads) { index in
            images.append((index, try ImageFiles.read(paths[index], expecting: expectation)))
        }
        return images.items.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    static func relative(_ path: String, to root: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}

/// A job or input failure of a local build, naming the job.
public struct LocalBuildError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// The options asked for something impossible (unknown layer, empty window, missing
    /// statistics), as opposed to a failure while building.
    public var isUsageError: Bool

    init(usage reason: String) {
        description = reason
        isUsageError = true
    }

    init(job: PyramidJob, underlying: any Error) {
        description = "\(job): \(underlying)"
        isUsageError = false
    }
}

private final class ResultTally: @unchecked Sendable {
    private let lock = NSLock()
    private var result = PyramidJobResult()
    private var count = 0

    /// Adds a job's result; returns how many were added so far.
    func add(_ job: PyramidJobResult) -> Int {
        lock.withLock {
            result.add(job)
            count += 1
            return count
        }
    }

    var total: PyramidJobResult { lock.withLock { result } }
}

/// Images counted for percentiles so far, over all layers.
private final class PercentileCounter: @unchecked Sendable {
    let total: Int
    private let lock = NSLock()
    private var done = 0

    init(total: Int) { self.total = total }

    func advance() -> Int { lock.withLock { done += 1; return done } }
}

private final class LockedList<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: [Element] = []

    func append(_ element: Element) { lock.withLock { elements.append(element) } }
    var items: [Element] { lock.withLock { elements } }
}
