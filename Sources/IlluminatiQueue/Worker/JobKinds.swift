/// The kinds a worker handles, by name. Each handler decodes the job's payload into its kind's
/// arguments and encodes its result, so a claim loop deals in names and JSON text only.
public struct JobKinds: Sendable {
    /// A kind's handler with the types erased: the payload in, the result's JSON out.
    typealias Handler = @Sendable (ClaimedJob, JobContext) async throws -> String?

    private var handlers: [String: Handler] = [:]

    public init() {}

    public init(_ kinds: [any JobKind]) {
        for kind in kinds { register(kind) }
    }

    /// Adds a kind; a name registered twice is a programming error.
    public mutating func register<Kind: JobKind>(_ kind: Kind) {
        precondition(handlers[Kind.kind] == nil, "job kind \(Kind.kind) is registered twice")
        handlers[Kind.kind] = { job, context in
            let args = try Kind.Args(payload: job.payload)
            return try await kind.run(args, job: job, context: context).map { try QueueJSON.encode($0) }
        }
    }

    /// Adds a kind whose handler is `work`.
    public mutating func register<Args: JobArgs, Result: Encodable>(
        _ args: Args.Type, work: @escaping @Sendable (Args, ClaimedJob, JobContext) async throws -> Result?) {
        register(JobFunction(work: work))
    }

    /// Adds a kind whose handler keeps no result.
    public mutating func register<Args: JobArgs>(
        _ args: Args.Type, work: @escaping @Sendable (Args, ClaimedJob, JobContext) async throws -> Void) {
        register(JobFunction<Args, Never> { args, job, context in
            try await work(args, job, context)
            return nil
        })
    }

    /// The same kinds, each job run inside `around` (which calls `next` once to run the
    /// handler), e.g. to count jobs.
    public func around(_ around: @escaping @Sendable (ClaimedJob, _ next: () async throws -> Void) async throws -> Void)
        -> JobKinds {
        var wrapped = self
        wrapped.handlers = handlers.mapValues { handler in
            { job, context in
                var result: String?
                try await around(job) { result = try await handler(job, context) }
                return result
            }
        }
        return wrapped
    }

    /// Only the kinds named (a worker that takes part of the work, as a test's does).
    public func only(_ names: Set<String>) -> JobKinds {
        var kept = self
        kept.handlers = handlers.filter { names.contains($0.key) }
        return kept
    }

    /// The registered names, sorted.
    public var names: [String] { handlers.keys.sorted() }

    public var isEmpty: Bool { handlers.isEmpty }

    func handler(for kind: String) -> Handler? { handlers[kind] }
}
