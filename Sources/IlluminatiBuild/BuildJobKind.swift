import IlluminatiPyramid
import IlluminatiQueue

/// A kind of build job: its arguments, what it returns and its work, which both executors run
/// — a worker for a job it claimed (`BuildWorkerKind`), `illuminati pyramid` for a job of its
/// plan (`BuildJobHandlers.run`). `Outcome` is what the queue's history keeps; nil: nothing.
protocol BuildJobKind: Sendable {
    associatedtype Args: JobArgs
    associatedtype Outcome: Encodable = Never
    static func run(_ args: Args, in handlers: BuildJobHandlers) throws -> Outcome?
}

extension BuildJobKind {
    static var kind: String { Args.kind }
}

enum StatisticsPartialKind: BuildJobKind {
    static func run(_ args: StatisticsPartialJob, in handlers: BuildJobHandlers) throws -> StatisticsJobs.Outcome? {
        try StatisticsJobs.partial(args, descriptor: handlers.descriptor, storage: handlers.storage)
    }
}

enum StatisticsMergeKind: BuildJobKind {
    static func run(_ args: StatisticsMergeJob, in handlers: BuildJobHandlers) throws -> StatisticsJobs.Outcome? {
        try StatisticsJobs.merge(args, storage: handlers.storage)
    }
}

enum PyramidKind: BuildJobKind {
    static func run(_ args: PyramidJob, in handlers: BuildJobHandlers) throws -> PyramidJobResult? {
        guard let layer = handlers.descriptor.layer(args.layer) else {
            throw BuildError.badPayload(kind: kind, reason: "the build has no layer \(args.layer)")
        }
        return try PyramidRenderer.render(args, context: try handlers.renderContext(layer.spec.channel))
    }
}

enum LayerFinishKind: BuildJobKind {
    static func run(_ args: LayerFinishJob, in handlers: BuildJobHandlers) throws -> Never? {
        try LayerFinish.run(args, descriptor: handlers.descriptor, storage: handlers.storage,
                            keepIntermediates: handlers.keepsIntermediates)
        return nil
    }
}
