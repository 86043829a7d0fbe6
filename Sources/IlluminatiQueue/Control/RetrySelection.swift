/// Which jobs of a build `retry` takes: every dead letter, those of one stage index and/or one
/// layer, or one job. With `allAttempts`, jobs of the selection that failed an attempt and wait
/// out its backoff run now too (Sidekiq's "retry now"), each with a fresh set of attempts.
public struct RetrySelection: Sendable, Equatable {
    public var job: Int64?
    public var stage: Int?
    public var layer: String?
    public var allAttempts: Bool

    public init(job: Int64? = nil, stage: Int? = nil, layer: String? = nil, allAttempts: Bool = false) {
        self.job = job
        self.stage = stage
        self.layer = layer
        self.allAttempts = allAttempts
    }
}
