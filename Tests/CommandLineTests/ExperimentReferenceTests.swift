import Foundation
import IlluminatiDatabase
import IlluminatiTestSupport
import Testing

/// Every verb that takes an experiment takes its name or its id (TissueMAPS' `experiment_id`).
@Suite(.tags(.database, .process)) struct ExperimentReferenceTests {
    @Test func verbsTakeTheIdOrTheNameAlike() throws {
        let (database, connection) = try TestDatabase.create(migrated: false)
        let created = try illuminati(["experiment", "create", "alpha", "--manifest", smallPlate.manifest], database: database)
        #expect(created.status == 0, "\(created.stderr)")
        let id = String(try ExperimentStore(connection).load("alpha").id)

        for verb in [["experiment", "show"], ["status"]] {
            let byName = try illuminati(verb + ["alpha"], database: database)
            let byID = try illuminati(verb + [id], database: database)
            #expect(byName.status == 0 && byID.status == 0, "\(verb): \(byName.stderr) \(byID.stderr)")
            #expect(byID.stdout == byName.stdout, "\(verb)")
        }
        let status = try illuminati(["status", id], database: database)
        #expect(status.stdout.contains("experiment alpha has no build"), "the verb goes by the name: \(status.stdout)")

        let planned = try illuminati(["init", id, "--clip"], database: database)
        #expect(planned.status == 0, "\(planned.stderr)")
        #expect(planned.stdout.contains("of alpha: planned"), "\(planned.stdout)")
        let infoByName = try illuminati(["info", "alpha", "--phase", "init"], database: database)
        let infoByID = try illuminati(["info", id, "--phase", "init"], database: database)
        #expect(infoByName.status == 0 && infoByID.stdout == infoByName.stdout, "\(infoByID.stderr)")

        let unknown = try illuminati(["status", "999999"], database: database)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no experiment named 999999"), "\(unknown.stderr)")

        let deleted = try illuminati(["experiment", "delete", id], database: database)
        #expect(deleted.status == 0 && deleted.stdout.contains("deleted experiment alpha"), "\(deleted.stderr)")
        #expect(try !ExperimentStore(connection).exists("alpha"))
    }

    @Test func aNameWinsOverTheIdItSpells() throws {
        let (database, connection) = try TestDatabase.create(migrated: false)
        #expect(try illuminati(["experiment", "create", "first", "--manifest", smallPlate.manifest], database: database).status == 0)
        let id = String(try ExperimentStore(connection).load("first").id)
        #expect(try illuminati(["experiment", "create", id, "--manifest", smallPlate.manifest], database: database).status == 0)

        let status = try illuminati(["status", id], database: database)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("experiment \(id) has no build"), "\(status.stdout)")
    }

    @Test func logLevelAndVerbosityAreRefusedTogether() throws {
        let (database, _) = try TestDatabase.create(migrated: false)
        let verbose = try illuminati(["experiment", "list", "-vv"], database: database)
        #expect(verbose.status == 0, "\(verbose.stderr)")
        let both = try illuminati(["experiment", "list", "-v", "--log-level", "info"], database: database)
        #expect(both.status == 64, "a usage error, as ArgumentParser exits for any")
        #expect(both.stderr.contains("give --log-level or -v, not both"), "\(both.stderr)")
        let worker = try Executables.run("illuminati-worker", ["--database-url", database, "--log-level", "info", "--verbosity"])
        #expect(worker.status != 0)
        #expect(worker.stderr.contains("give --log-level or -v, not both"), "\(worker.stderr)")
    }
}
