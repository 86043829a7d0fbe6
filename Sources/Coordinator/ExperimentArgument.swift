import ArgumentParser
import IlluminatiDatabase
import IlluminatiPostgres

/// The EXPERIMENT argument of every verb that works on one: its name or its id.
struct ExperimentArgument: ParsableArguments {
    @Argument(help: "Experiment name or id.") var experiment: String

    /// The experiment's name, which the rest of the verb goes by (storage folders are named by it).
    func name(_ connection: any StatementRunner) throws -> String {
        try ExperimentStore(connection).name(of: experiment)
    }
}
