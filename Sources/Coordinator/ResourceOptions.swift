import ArgumentParser
import IlluminatiPostgres
import IlluminatiQueue

/// `submit` and `resubmit`: what each job of the build asks for. Given, a value replaces the
/// one recorded on every live job of the build; left out, the recorded one stays (as planned:
/// 00:15:00, 1 core, memory not stated).
struct ResourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Runtime limit of each job, counted from its claim: past it the job is stopped "
                                            + "and fails (the attempt counts).", valueName: "HH:MM:SS"),
            transform: { try ClockDuration.parse($0) })
    var duration: Duration?

    @Option(name: .long, help: "Cores each job needs: only workers with at least as many claim it.")
    var cores: Int?

    @Option(name: .long, help: ArgumentHelp("Memory each job needs: only workers with at least as much claim it "
                                            + "(0: not stated).", valueName: "MB"))
    var memory: Int?

    func validate() throws {
        if let cores, !JobRequest.coreRange.contains(cores) { throw ValidationError("--cores must be at least 1") }
        if let memory, !JobRequest.memoryRange.contains(memory) { throw ValidationError("--memory must be 0 or more MB") }
    }

    /// Records the request on every live job of `build`; nothing when no flag was given.
    func apply(to build: Int64, _ connection: any StatementRunner) throws {
        try BuildStore(connection).request(build, JobRequest(maxRuntime: duration, cores: cores, memoryMB: memory))
    }
}
