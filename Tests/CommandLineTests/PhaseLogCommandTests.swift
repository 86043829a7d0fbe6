import Foundation
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

/// `illuminati log|info --phase init|collect`: the coordinator's phases keep their log in the
/// database (`phase_logs`), shown like a run job's.
@Suite(.tags(.database, .process)) struct PhaseLogCommandTests {
    @Test func initAndCollectKeepTheirLogInTheDatabase() throws {
        let (database, db) = try TestDatabase.create()
        let created = try illuminati(["experiment", "create", "logged", "--manifest", smallPlate.manifest], database: database)
        #expect(created.status == 0, "\(created.stderr)")

        let none = try illuminati(["log", "logged", "--phase", "init"], database: database)
        #expect(none.status == 0, "\(none.stderr)")
        #expect(none.stdout == "no init of logged is recorded yet (illuminati init logged)\n")

        let planned = try illuminati(["init", "logged", "--batch-size", "8"], database: database)
        #expect(planned.status == 0, "\(planned.stderr)")
        let build = try db.execute("SELECT max(id) AS id FROM builds", name: "build").one().int64("id")
        let log = try illuminati(["log", "logged", "--phase", "init"], database: database)
        #expect(log.status == 0, "\(log.stderr)")
        let lines = log.stdout.split(separator: "\n").map(String.init)
        let head = try #require(lines.first)
        #expect(head.contains(" init on \(ProcessInfo.processInfo.hostName) (pid ") && head.hasSuffix("), build \(build)"),
                "\(log.stdout)")
        #expect(lines.contains { $0.contains(" info: planning logged: batch size 8, align false") }, "\(log.stdout)")
        #expect(lines.contains { $0.contains(" info: layer ") && $0.contains("jobs per stage, window") }, "\(log.stdout)")
        #expect(lines.contains { $0.contains(" info: planned build \(build) of logged: ") }, "\(log.stdout)")
        #expect(lines.last?.contains(" init succeeded in ") == true, "\(log.stdout)")
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.hasPrefix("  +") && $0.contains(" s ") })

        // A failed init is kept too, with its error; the newest run is the one shown, and every
        // run stays queryable with SQL.
        let failed = try illuminati(["init", "logged", "--layers", "nonexistent"], database: database)
        #expect(failed.status != 0)
        let failedLog = try illuminati(["log", "logged", "--phase", "init"], database: database)
        #expect(failedLog.stdout.contains(" error: "), "\(failedLog.stdout)")
        #expect(failedLog.stdout.contains("nonexistent"), "\(failedLog.stdout)")
        #expect(failedLog.stdout.split(separator: "\n").last?.contains(" init failed in ") == true, "\(failedLog.stdout)")
        let runs = try db.execute("""
            SELECT phase, succeeded, build_id FROM phase_logs p JOIN experiments e ON e.id = p.experiment_id
            WHERE e.name = 'logged' ORDER BY p.id
            """, name: "runs").rows
        #expect(try runs.map { [try $0.string("phase"), "\(try $0.bool("succeeded"))"] } == [["init", "true"], ["init", "false"]])
        #expect(try runs[0].int64("build_id") == build)

        // collect before any build finished: stored, with a warning in its log.
        let collected = try illuminati(["collect", "logged"], database: database)
        #expect(collected.status == 0, "\(collected.stderr)")
        let collectLog = try illuminati(["log", "logged", "--phase", "collect"], database: database)
        #expect(collectLog.stdout.contains("warning: no build of logged has finished"), "\(collectLog.stdout)")
        #expect(collectLog.stdout.contains("info: Sites: 24 outlines written"), "\(collectLog.stdout)")
        #expect(collectLog.stdout.split(separator: "\n").last?.contains(" collect succeeded in ") == true, "\(collectLog.stdout)")

        let info = try illuminati(["info", "logged", "--phase", "collect"], database: database)
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("succeeded in "), "\(info.stdout)")
        #expect(info.stdout.contains(", 1 warning (illuminati log logged --phase collect)"), "\(info.stdout)")
    }

    @Test func runNeedsAJobAndTheOtherPhasesTakeNone() throws {
        let (database, _) = try TestDatabase.create()
        for (arguments, message) in [(["log", "x", "--phase", "run"], "--phase run needs --job"),
                                     (["log", "x"], "--phase run needs --job"),
                                     (["log", "x", "--phase", "init", "--job", "1"], "--job goes with --phase run")] {
            let outcome = try illuminati(arguments, database: database)
            #expect(outcome.status != 0 && outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
            #expect(noStackTrace(outcome))
        }
    }
}
