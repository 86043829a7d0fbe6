import Foundation

/// What `submit --duration/--cores/--memory` asks of every job of a build; nil: left as it is.
public struct JobRequest: Sendable, Equatable {
    /// The runtime limit of each attempt, counted from its claim (the reaper enforces it).
    public var maxRuntime: Duration?
    public var cores: Int?
    /// In MB (2²⁰ bytes); 0: not stated, any worker fits.
    public var memoryMB: Int?

    public init(maxRuntime: Duration? = nil, cores: Int? = nil, memoryMB: Int? = nil) {
        self.maxRuntime = maxRuntime
        self.cores = cores
        self.memoryMB = memoryMB
    }

    public var isEmpty: Bool { maxRuntime == nil && cores == nil && memoryMB == nil }

    /// What the `cores` and `memory_mb` columns of jobs and workers hold (integer, CHECKs).
    public static let coreRange = 1...Int(Int32.max)
    public static let memoryRange = 0...Int(Int32.max)

    func validate() throws {
        if let maxRuntime, maxRuntime <= .zero { throw QueueError.invalidArgument("the runtime limit must be positive") }
        if let cores, !Self.coreRange.contains(cores) { throw QueueError.invalidArgument("a job needs at least 1 core") }
        if let memoryMB, !Self.memoryRange.contains(memoryMB) {
            throw QueueError.invalidArgument("a job's memory must be 0 (not stated) or more MB")
        }
    }
}

/// What a worker has, and so which jobs it claims: those whose cores and memory are at most
/// its own and whose kind it handles.
public struct WorkerCapacity: Sendable, Equatable {
    public var cores: Int
    /// In MB (2²⁰ bytes).
    public var memoryMB: Int
    /// nil: every kind.
    public var kinds: [String]?

    public init(cores: Int, memoryMB: Int, kinds: [String]?) {
        self.cores = cores
        self.memoryMB = memoryMB
        self.kinds = kinds
    }

    /// Takes every job: for tools and tests that claim by hand.
    public static let anything = WorkerCapacity(cores: Int(Int32.max), memoryMB: Int(Int32.max), kinds: nil)

    /// This machine's cores and physical memory: what a worker advertises unless told otherwise.
    public static func machine(kinds: [String]? = nil) -> WorkerCapacity {
        WorkerCapacity(cores: ProcessInfo.processInfo.activeProcessorCount,
                       memoryMB: Int(min(ProcessInfo.processInfo.physicalMemory >> 20, UInt64(Int32.max))), kinds: kinds)
    }

    /// At least `needs` of cores and memory: what a worker must advertise to claim every job
    /// that needs at most that.
    public func covering(_ needs: JobNeeds) -> WorkerCapacity {
        WorkerCapacity(cores: max(cores, needs.cores), memoryMB: max(memoryMB, needs.memoryMB), kinds: kinds)
    }
}

/// What a job needs, or the most that any job of a build needs.
public struct JobNeeds: Sendable, Equatable {
    public var cores: Int
    public var memoryMB: Int

    public init(cores: Int = 1, memoryMB: Int = 0) {
        self.cores = cores
        self.memoryMB = memoryMB
    }
}
