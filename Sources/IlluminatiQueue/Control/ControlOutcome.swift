/// What an operator's action touched: the build, its state afterwards, and the jobs (by id
/// where the action names them one by one). `illuminati pause|resume|cancel|retry` print it,
/// the queue dashboard's POST routes answer it as JSON.
public struct ControlOutcome: Sendable, Equatable, Encodable {
    public enum Action: String, Sendable, Encodable { case pause, resume, cancel, retry }

    public var action: Action
    public var build: Int64
    /// The build's state after the action.
    public var buildState: String
    /// How many jobs changed: held (pause), released (resume), cancelled or asked to stop
    /// (cancel), queued again (retry).
    public var jobs: Int
    /// Retry: the dead letters queued again, and with `allAttempts` the jobs taken out of
    /// their backoff, by id.
    public var jobIDs: [Int64]?

    /// Snake case makes `job_ids` of `jobIds` (of `jobIDs` it would make `job_i_ds`).
    enum CodingKeys: String, CodingKey {
        case action, build, buildState, jobs
        case jobIDs = "jobIds"
    }

    /// One line: `build 7: paused; 12 job(s) held`.
    public var description: String {
        let what: String
        switch action {
        case .pause: what = "\(jobs) job(s) held"
        case .resume: what = "\(jobs) job(s) released"
        case .cancel: what = "\(jobs) job(s) cancelled or asked to stop"
        case .retry:
            what = "\(jobs) job(s) queued again" + ((jobIDs ?? []).isEmpty ? "" : ": " + jobIDs!.map { "\($0)" }.joined(separator: ", "))
        }
        return "build \(build): \(buildState); \(what)"
    }
}
