import ArgumentParser
import IlluminatiCoordinator
import IlluminatiDatabase

struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Store the Plates, Wells and Sites outlines of an experiment as map objects (PostGIS).",
        discussion: "`submit` runs this when the build is done; running it again replaces the same set.")

    @OptionGroup var experimentArgument: ExperimentArgument
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            let stored = try ExperimentStore(session.connection).load(experiment)
            let counts = try CollectMapObjects(connection: session.connection, logger: global.logger).run(stored)
            print(CollectMapObjects.countsText(counts))
        }
    }
}
