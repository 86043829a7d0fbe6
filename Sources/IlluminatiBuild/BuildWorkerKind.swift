import IlluminatiQueue

/// What a worker records about a finished job.
struct JobReport<Outcome: Encodable>: Encodable {
    var host: String
    var pid: Int
    var attempt: Int
    var seconds: Double
    /// The work's own result.
    var result: Outcome?
}

/// A build job kind as a worker runs it: `Kind`'s work with what the job's build runs with,
/// recorded in a `JobReport`.
struct BuildWorkerKind<Kind: BuildJobKind>: JobKind {
    let runner: BuildJobRunner

    func run(_ args: Kind.Args, job: ClaimedJob, context: JobContext) throws -> JobReport<Kind.Outcome>? {
        try runner.report(job) { try Kind.run(args, in: $0) }
    }
}
