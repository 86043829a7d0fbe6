import ArgumentParser
import IlluminatiBuild
import IlluminatiDatabase
import IlluminatiQueue

struct ResubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resubmit",
        abstract: "Run failed jobs again (--failed, the default) or the whole build again (--all).",
        discussion: "Then `illuminati submit EXPERIMENT` drives the build to its end.")

    @Argument(help: "Experiment name.") var experiment: String
    @Flag(help: "Which jobs run again.") var which: Which = .failed
    @OptionGroup var global: GlobalOptions

    enum Which: String, EnumerableFlag {
        case failed, all
    }

    func run() throws {
        try global.withDatabase { session in
            let stored = try ExperimentStore(session.connection).load(experiment)
            let builds = BuildStore(session.connection)
            guard let build = try builds.latestBuild(experiment: stored.id) else { throw BuildError.noBuild(experiment: experiment) }
            let cleanedUp = BuildError.cleanedUp(experiment: experiment, build: build.id)
            if build.cleanedUpAt != nil { throw cleanedUp }
            switch which {
            case .failed:
                let count = try builds.retryFailed(build.id)
                print("build \(build.id): \(count) failed job(s) queued again")
            case .all:
                do {
                    let count = try builds.restart(build.id)
                    print("build \(build.id): all \(count) job(s) will run again")
                } catch QueueError.buildCleanedUp {
                    throw cleanedUp
                }
            }
        }
    }
}
