import IlluminatiPyramid
import IlluminatiQueue
import IlluminatiStorage

/// A kind of build job: its arguments, what it returns and its work, which both executors run
/// — a worker for a job it claimed (`BuildWorkerKind`), `illuminati pyramid` for a job of its
/// plan (`BuildJobHandlers.run`). `Outcome` is what the queue's history keeps; nil: nothing.
protocol BuildJobKind: Sendable {
    associatedtype Args: JobArgs
    associatedtype Outcome: Encodable = Never
    static func run(_ args: Args, in handlers: BuildJobHandlers) throws -> Outcome?
    /// Removes what the job wrote in an earlier run, so that running it again starts from
    /// clean storage (`illuminati run --job` without `--assume-clean-state`).
    static func removeOutput(_ args: Args, in handlers: BuildJobHandlers) throws
}

extension BuildJobKind {
    static var kind: String { Args.kind }
}

enum StatisticsPartialKind: BuildJobKind {
    static func run(_ args: StatisticsPartialJob, in handlers: BuildJobHandlers) throws -> StatisticsJobs.Outcome? {
        try StatisticsJobs.partial(args, descriptor: handlers.descriptor, storage: handlers.storage)
    }

    static func removeOutput(_ args: StatisticsPartialJob, in handlers: BuildJobHandlers) throws {
        try handlers.storage.removeFiles([ExperimentLayout.partialStatistics(channel: args.channel, part: args.part)])
    }
}

enum StatisticsMergeKind: BuildJobKind {
    static func run(_ args: StatisticsMergeJob, in handlers: BuildJobHandlers) throws -> StatisticsJobs.Outcome? {
        try StatisticsJobs.merge(args, storage: handlers.storage)
    }

    static func removeOutput(_ args: StatisticsMergeJob, in handlers: BuildJobHandlers) throws {
        try handlers.storage.removeFiles([ExperimentLayout.statistics(channel: args.channel)])
    }
}

enum PyramidKind: BuildJobKind {
    static func run(_ args: PyramidJob, in handlers: BuildJobHandlers) throws -> PyramidJobResult? {
        guard let layer = handlers.descriptor.layer(args.layer) else {
            throw BuildError.badPayload(kind: kind, reason: "the build has no layer \(args.layer)")
        }
        return try PyramidRenderer.render(args, context: try handlers.renderContext(layer.spec.channel))
    }

    static func removeOutput(_ args: PyramidJob, in handlers: BuildJobHandlers) throws {
        let tiles = (0..<args.levels).flatMap { args.block.coarser(by: $0).tiles }
        try handlers.storage.pyramids.removeJobOutput(layer: args.layer, job: args.outputName, tiles: tiles,
                                                      intermediates: args.writesIntermediate ? args.coarsestBlock.tiles : [])
    }
}

enum LayerFinishKind: BuildJobKind {
    static func run(_ args: LayerFinishJob, in handlers: BuildJobHandlers) throws -> Never? {
        try LayerFinish.run(args, descriptor: handlers.descriptor, storage: handlers.storage,
                            keepIntermediates: handlers.keepsIntermediates)
        return nil
    }

    /// Nothing: the finish replaces each of its documents whole with one rename, and removing
    /// them first would take a finished layer away from readers while the job runs.
    static func removeOutput(_ args: LayerFinishJob, in handlers: BuildJobHandlers) throws {}
}
