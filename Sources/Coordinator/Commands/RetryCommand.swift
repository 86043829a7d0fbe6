import ArgumentParser
import IlluminatiQueue

struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue a build's dead letters again with a fresh set of attempts: all, one job's, a stage's or a layer's.",
        discussion: """
            Prints the build's state and the jobs queued again. A job, stage or layer the build does \
            not have exits 2; a job that is not a dead letter is left alone. Unlike `resubmit`, it \
            returns at once and drives nothing: the workers take the jobs.
            """)

    @OptionGroup var buildArguments: BuildArguments
    @Option(help: ArgumentHelp("Only this job.", valueName: "id")) var job: Int64?
    @Option(help: ArgumentHelp("Only jobs of this stage index (of every layer, or of --layer).", valueName: "index"))
    var stage: Int?
    @Option(help: ArgumentHelp("Only jobs of this layer.", valueName: "name")) var layer: String?
    @Flag(help: "Also run jobs now that failed an attempt and wait out its backoff (with fresh attempts).")
    var allAttempts = false
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if job != nil && (stage != nil || layer != nil) { throw ValidationError("--job stands alone, without --stage or --layer") }
        if let stage, stage < 0 { throw ValidationError("--stage is 0 or more") }
    }

    func run() throws {
        try global.withDatabase { session in
            let (_, build) = try buildArguments.resolve(session.connection)
            let selection = RetrySelection(job: job, stage: stage, layer: layer, allAttempts: allAttempts)
            print(try QueueControl(session.connection).retry(build.id, selection).description)
        }
    }
}
