import ArgumentParser
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue

/// EXPERIMENT and `--build`, for the verbs that act on one build of an experiment: its newest
/// build unless `--build` names another of its builds.
struct BuildArguments: ParsableArguments {
    @OptionGroup var experimentArgument: ExperimentArgument
    @Option(help: ArgumentHelp("One of the experiment's builds, by id (default: its newest).", valueName: "id"))
    var build: Int64?

    /// The experiment's name and the build meant; an unknown experiment or build is bad input (exit 2).
    func resolve(_ connection: any StatementRunner) throws -> (experiment: String, build: BuildInfo) {
        let name = try experimentArgument.name(connection)
        let id = try ExperimentStore(connection).id(of: name)
        return (name, try QueueControl(connection).build(experimentID: id, experiment: name, requested: build))
    }
}
