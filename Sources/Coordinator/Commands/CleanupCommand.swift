import ArgumentParser
import Foundation
import IlluminatiBuild
import IlluminatiDatabase
import IlluminatiQueue

struct CleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Remove this step's output of an experiment: its pyramids and its map objects.",
        discussion: """
            Cancels a build that is still running. The build is then over: `illuminati init` plans a new \
            one. Map object types made by other steps and every file outside <storage>/<experiment>/ are \
            left alone.
            """)

    @OptionGroup var experimentArgument: ExperimentArgument
    @OptionGroup var storageOption: StorageOption
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let storage = try storageOption.root(stateDir: global.stateDir)
        try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            let stored = try ExperimentStore(session.connection).load(experiment)
            let builds = BuildStore(session.connection)
            if let build = try builds.latestBuild(experiment: stored.id) {
                let jobs = try builds.cleanUp(build.id)
                if [.planned, .running, .paused].contains(build.state) { print("build \(build.id): cancelled (\(jobs) jobs)") }
            }
            let types = try MapObjectStore(session.connection).deleteOwned(experimentID: stored.id)
            let files = storage.experiment(experiment)
            try files.remove()
            print("removed \(files.directory) and \(types) map object type(s); `illuminati init \(experiment)` plans a new build")
        }
    }
}
