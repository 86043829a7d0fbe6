import ArgumentParser
import IlluminatiBuild
import IlluminatiDatabase
import IlluminatiQueue

struct ResubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resubmit",
        abstract: "Run failed jobs again (--failed, the default) or the whole build again (--all), and drive the build to its end.",
        discussion: """
            After queuing the jobs again it shows progress and ends as `submit` does (exit 0 when \
            every layer is built, 1 when jobs are dead-lettered again); --no-wait returns at once.
            """)

    @OptionGroup var experimentArgument: ExperimentArgument
    @Flag(help: "Which jobs run again.") var which: Which = .failed
    @Flag(name: .long, help: "Return once the jobs are queued again, without driving the build.") var noWait = false
    @OptionGroup var driveOptions: DriveOptions
    @OptionGroup var storageOption: StorageOption
    @OptionGroup var global: GlobalOptions

    enum Which: String, EnumerableFlag {
        case failed, all
    }

    func run() throws {
        let storage = noWait ? nil : try storageOption.root(stateDir: global.stateDir)
        try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            let stored = try ExperimentStore(session.connection).load(experiment)
            let builds = BuildStore(session.connection)
            guard let build = try builds.latestBuild(experiment: stored.id) else { throw BuildError.noBuild(experiment: experiment) }
            let cleanedUp = BuildError.cleanedUp(experiment: experiment, build: build.id)
            if build.cleanedUpAt != nil { throw cleanedUp }
            // One transaction: no worker claims a job queued again before it asks for what it needs.
            let message: String = try session.connection.transaction { db in
                let builds = BuildStore(db)
                let message: String
                switch which {
                case .failed:
                    message = "build \(build.id): \(try builds.retryFailed(build.id)) failed job(s) queued again"
                case .all:
                    do {
                        message = "build \(build.id): all \(try builds.restart(build.id)) job(s) will run again"
                    } catch QueueError.buildCleanedUp {
                        throw cleanedUp
                    }
                }
                try driveOptions.resources.apply(to: build.id, db)
                return message
            }
            print(message)
            if let storage { try driveOptions.drive(stored, session: session, storage: storage, global: global) }
        }
    }
}
