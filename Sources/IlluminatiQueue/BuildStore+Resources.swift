import IlluminatiPostgres

extension BuildStore {
    /// Sets what every live job of the build asks for (`submit --duration/--cores/--memory`);
    /// nil fields are left as they are. A running job keeps its claim's deadline; the new
    /// values hold from its next claim. Returns how many jobs.
    @discardableResult
    public func request(_ build: Int64, _ request: JobRequest) throws -> Int {
        try request.validate()
        if request.isEmpty { return 0 }
        return try connection.buildJobsRequest(build: build, maxRuntime: request.maxRuntime?.inSeconds, cores: request.cores,
                                               memoryMb: request.memoryMB)
    }

    /// The most cores and memory any live job of the build needs (1 core, 0 MB when none).
    public func largestNeeds(_ build: Int64) throws -> JobNeeds {
        let row = try connection.buildJobsLargestNeeds(build: build)
        return JobNeeds(cores: row.cores, memoryMB: row.memoryMb)
    }
}
