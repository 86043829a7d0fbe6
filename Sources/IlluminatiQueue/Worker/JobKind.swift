/// What a job of one kind is given: its payload, as a type. `kind` names the kind in the queue
/// (the jobs' `kind` column, the kinds a worker registers); the value travels as the job's
/// payload, JSON encoded by `QueueJSON`.
public protocol JobArgs: Codable, Sendable {
    static var kind: String { get }
}

extension JobArgs {
    /// The arguments a job's payload holds. A payload that does not decode never will: the
    /// error is permanent, naming the kind and what is wrong with the JSON.
    public init(payload: String) throws {
        do {
            self = try QueueJSON.decode(Self.self, from: payload)
        } catch {
            throw PermanentJobError("the payload of a job of kind '\(Self.kind)' cannot be read: \(QueueJSON.describe(error))")
        }
    }
}

/// A kind of job and its handler: `run` gets the decoded arguments and returns what the
/// history keeps (`Result`, JSON encoded), or nil to keep nothing. An error classified as bad
/// input (`ClassifiedError`, e.g. `PermanentJobError`) is one a retry cannot fix: the job is
/// dead-lettered at once; any other error is retried with backoff until attempts run out.
public protocol JobKind: Sendable {
    associatedtype Args: JobArgs
    associatedtype Result: Encodable = Never
    func run(_ args: Args, job: ClaimedJob, context: JobContext) async throws -> Result?
}

extension JobKind {
    public static var kind: String { Args.kind }
}

/// A handler given as a closure (`JobKinds.register(_:work:)`), for kinds that keep no state
/// of their own.
struct JobFunction<Args: JobArgs, Result: Encodable>: JobKind {
    let work: @Sendable (Args, ClaimedJob, JobContext) async throws -> Result?

    func run(_ args: Args, job: ClaimedJob, context: JobContext) async throws -> Result? {
        try await work(args, job, context)
    }
}
