import ArgumentParser
import IlluminatiDatabase
import IlluminatiQueue

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Run the planned build to the end, showing progress; then collect the map objects.",
        discussion: """
            Without --workers the coordinator only coordinates: start illuminati-worker processes \
            anywhere with the same database and storage. Stopping submit (Ctrl-C) and running it \
            again continues the same build. --duration, --cores and --memory set what every job of \
            the build asks for (workers claim only jobs that fit them). Exits 0 when every layer is \
            built, 1 with a summary when dead-lettered jobs hold the build (fix the cause, then \
            `illuminati resubmit`).
            """)

    @OptionGroup var experimentArgument: ExperimentArgument
    @OptionGroup var driveOptions: DriveOptions
    @OptionGroup var storageOption: StorageOption
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let storage = try storageOption.root(stateDir: global.stateDir)
        try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            let stored = try ExperimentStore(session.connection).load(experiment)
            if let build = try BuildStore(session.connection).latestBuild(experiment: stored.id) {
                try driveOptions.resources.apply(to: build.id, session.connection)
            }
            try driveOptions.drive(stored, session: session, storage: storage, global: global)
        }
    }
}
