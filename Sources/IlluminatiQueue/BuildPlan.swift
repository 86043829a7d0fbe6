import IlluminatiPostgres

/// One job to plan or enqueue. `payload` is JSON text, stored as jsonb and decoded by the
/// worker into the arguments of `kind` (`JobArgs`); it is always a statement parameter, never
/// SQL. `init(args:)` makes both from typed arguments.
public struct JobSpec: Sendable, Equatable {
    public var kind: String
    public var payload: String
    /// Claim order within a stage (e.g. a tile's Morton code), so neighbours run together.
    public var locality: Int64
    /// Lower runs first; nil: the build's priority.
    public var priority: Int?
    /// The job's deadline after each claim; nil: the plan's default.
    public var maxRuntime: Duration?

    public init(kind: String, payload: String = "{}", locality: Int64 = 0, priority: Int? = nil,
                maxRuntime: Duration? = nil) {
        self.kind = kind
        self.payload = payload
        self.locality = locality
        self.priority = priority
        self.maxRuntime = maxRuntime
    }
}

extension JobSpec {
    /// A job of `Args`' kind whose payload is `args`.
    public init<Args: JobArgs>(args: Args, locality: Int64 = 0, priority: Int? = nil, maxRuntime: Duration? = nil) throws {
        self.init(kind: Args.kind, payload: try QueueJSON.encode(args), locality: locality, priority: priority,
                  maxRuntime: maxRuntime)
    }
}

/// A layer: a chain of stages in processing order, stage 0 first; stage n+1 starts
/// when every job of stage n has succeeded. `after` names layers of the same build that must
/// be complete before stage 0 starts.
public struct LayerPlan: Sendable, Equatable {
    public var name: String
    public var after: [String]
    public var stages: [[JobSpec]]

    public init(name: String, after: [String] = [], stages: [[JobSpec]]) {
        self.name = name
        self.after = after
        self.stages = stages
    }
}

/// How a build's jobs are retried: `maxAttempts` claims in all, with jittered exponential
/// backoff between them (see `Backoff`); then the job is dead-lettered.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var backoff: Backoff

    public init(maxAttempts: Int = 5, backoff: Backoff = Backoff(base: .seconds(10), cap: .seconds(600))) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
    }
}

/// Everything a build will run, inserted in one transaction.
public struct BuildPlan: Sendable, Equatable {
    public var experimentID: Int64
    /// JSON text kept with the build (the options it was planned with).
    public var params: String
    public var priority: Int
    public var retry: RetryPolicy
    public var defaultMaxRuntime: Duration
    public var layers: [LayerPlan]

    public init(experimentID: Int64, params: String = "{}", priority: Int = 100, retry: RetryPolicy = RetryPolicy(),
                defaultMaxRuntime: Duration = .seconds(900), layers: [LayerPlan]) {
        self.experimentID = experimentID
        self.params = params
        self.priority = priority
        self.retry = retry
        self.defaultMaxRuntime = defaultMaxRuntime
        self.layers = layers
    }

    public var jobCount: Int { layers.reduce(0) { $0 + $1.stages.reduce(0) { $0 + $1.count } } }

    /// Checks what the database would reject with a less helpful message, and what it cannot
    /// check at all (unknown or cyclic layer dependencies).
    public func validate() throws {
        guard !layers.isEmpty else { throw QueueError.invalidPlan("a build needs at least one layer") }
        guard (1...1000).contains(retry.maxAttempts) else {
            throw QueueError.invalidPlan("max attempts must be between 1 and 1000, not \(retry.maxAttempts)")
        }
        guard retry.backoff.base > .zero else { throw QueueError.invalidPlan("the backoff base must be positive") }
        guard defaultMaxRuntime > .zero else { throw QueueError.invalidPlan("the default job runtime limit must be positive") }
        try Self.checkPriority(priority, what: "build priority")
        var names = Set<String>()
        for layer in layers {
            guard !layer.name.isEmpty, layer.name.utf8.count <= 200 else {
                throw QueueError.invalidPlan("layer names must have 1 to 200 bytes: \(layer.name.debugDescription)")
            }
            guard names.insert(layer.name).inserted else { throw QueueError.invalidPlan("layer \(layer.name) appears twice") }
            guard !layer.stages.isEmpty else { throw QueueError.invalidPlan("layer \(layer.name) has no stages") }
            for (stage, jobs) in layer.stages.enumerated() {
                for job in jobs {
                    guard !job.kind.isEmpty, job.kind.utf8.count <= 100 else {
                        throw QueueError.invalidPlan("layer \(layer.name) stage \(stage): job kinds must have 1 to 100 bytes")
                    }
                    if let priority = job.priority { try Self.checkPriority(priority, what: "job priority") }
                    if let runtime = job.maxRuntime, runtime <= .zero {
                        throw QueueError.invalidPlan("layer \(layer.name) stage \(stage): a job's runtime limit must be positive")
                    }
                }
            }
        }
        for layer in layers {
            for dependency in layer.after where !names.contains(dependency) || dependency == layer.name {
                throw QueueError.invalidPlan("layer \(layer.name) waits for \(dependency), which is not another layer of this build")
            }
        }
        try checkAcyclic()
    }

    private func checkAcyclic() throws {
        let after = Dictionary(uniqueKeysWithValues: layers.map { ($0.name, $0.after) })
        var state: [String: Bool] = [:]  // false: on the current path, true: done
        func visit(_ name: String, _ path: [String]) throws {
            if state[name] == true { return }
            if state[name] == false {
                throw QueueError.invalidPlan("layers wait for each other in a cycle: \((path + [name]).joined(separator: " → "))")
            }
            state[name] = false
            for dependency in after[name] ?? [] { try visit(dependency, path + [name]) }
            state[name] = true
        }
        for layer in layers { try visit(layer.name, []) }
    }

    static func checkPriority(_ value: Int, what: String) throws {
        guard Int(Int16.min)...Int(Int16.max) ~= value else {
            throw QueueError.invalidPlan("\(what) \(value) is outside \(Int16.min)…\(Int16.max)")
        }
    }
}
