import Foundation
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport

/// A fresh database holding the experiment "plate" (`buildPlate`), planned by `illuminati init`
/// and not started: the commands' runner, a connection, and the build's id.
struct PlannedPlate {
    let run: BuildRun
    let connection: DatabaseConnection
    let build: Int64

    static func make() throws -> PlannedPlate {
        let plate = try buildPlate()
        let (database, connection) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        try run.create("plate", manifest: plate.manifest)
        try run.initialize("plate")
        let experiment = try ExperimentStore(connection).load("plate")
        guard let build = try BuildStore(connection).latestBuild(experiment: experiment.id) else {
            throw TestSupportError("illuminati init planned no build")
        }
        return PlannedPlate(run: run, connection: connection, build: build.id)
    }
}
