import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

/// `illuminati pause|resume|cancel|retry|jobs|workers` as processes against a real build whose
/// jobs read a truncated image and are dead-lettered.
@Suite(.serialized, .tags(.database, .process)) struct QueueCommandTests {
    func value(_ connection: DatabaseConnection, _ sql: String, _ parameters: [any SQLBindable] = []) throws -> String {
        try connection.probeValue(sql, parameters)
    }

    func document(_ outcome: Executables.Outcome) throws -> [String: Any] {
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any], "\(outcome.stdout)")
    }

    @Test func theVerbsListAndActOnADeadLetteredBuildAndSayWhatTheyTouched() throws {
        let plate = try buildPlate(seed: 5)
        let (database, connection) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        try run.create("ops", manifest: plate.manifest)
        let (victim, _) = try truncateFirstImage(of: plate, channel: "GFP")
        try run.initialize("ops", ["--batch-size", "4"])
        #expect(try run.submit("ops", workers: 2).status == 1)
        let build = try value(connection, "SELECT max(id)::text AS v FROM builds")

        let listed = try document(try run.run(["jobs", "ops", "--state", "failed", "--json"]))
        #expect(listed["experiment"] as? String == "ops" && listed["build_state"] as? String == "running")
        #expect((listed["build"] as? Int).map(String.init) == build)
        let failed = try #require(listed["jobs"] as? [[String: Any]])
        #expect(!failed.isEmpty)
        let victimName = (victim as NSString).lastPathComponent
        for job in failed {
            #expect(job["state"] as? String == "failed")
            #expect((job["file"] as? String)?.hasSuffix("/" + victimName) == true, "\(job)")
            #expect((job["last_error"] as? String)?.contains(victimName) == true, "\(job)")
        }
        let ids = failed.compactMap { $0["id"] as? Int }
        let text = try run.run(["jobs", "ops", "--state", "failed"])
        #expect(text.stdout.hasPrefix("build \(build) (ops, running): \(ids.count) job(s) failed\n"), "\(text.stdout)")
        #expect(text.stdout.contains("file: ") && text.stdout.contains(victimName))

        for arguments in [["retry", "ops", "--job", "999999"], ["retry", "ops", "--stage", "99"], ["retry", "ops", "--layer", "nope"],
                          ["retry", "ops", "--stage", "0", "--layer", "nope"], ["pause", "no-such-experiment"],
                          ["pause", "ops", "--build", "99999"], ["jobs", "ops", "--build", "99999"], ["cancel", "no-such-experiment"]] {
            let refused = try run.run(arguments)
            #expect(refused.status == 2, "\(arguments): \(refused.stdout) \(refused.stderr)")
            #expect(refused.stderr.hasPrefix("illuminati: error: ") && refused.stdout.isEmpty, "\(arguments): \(refused.stderr)")
        }
        #expect(try value(connection, "SELECT count(*)::text AS v FROM jobs WHERE state = 'failed'") == "\(ids.count)")

        let one = try run.run(["retry", "ops", "--job", "\(ids[0])"])
        #expect(one.status == 0 && one.stdout == "build \(build): running; 1 job(s) queued again: \(ids[0])\n", "\(one.stdout) \(one.stderr)")
        #expect(try value(connection, "SELECT state AS v FROM jobs WHERE id = $1", [Int64(ids[0])]) == "available")

        let paused = try run.run(["pause", "ops"])
        #expect(paused.stdout == "build \(build): paused; 1 job(s) held\n", "\(paused.stdout) \(paused.stderr)")
        #expect(try value(connection, "SELECT state AS v FROM builds WHERE id = $1", [Int64(build)!]) == "paused")
        let held = try document(try run.run(["jobs", "ops", "--state", "held", "--json"]))
        #expect((held["jobs"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [ids[0]])

        let resumed = try run.run(["resume", "ops"])
        #expect(resumed.stdout == "build \(build): running; 1 job(s) released\n", "\(resumed.stdout) \(resumed.stderr)")
        #expect(try value(connection, "SELECT state AS v FROM jobs WHERE id = $1", [Int64(ids[0])]) == "available")

        let rest = try run.run(["retry", "ops", "--build", build])
        let restIDs = ids.dropFirst().map(String.init).joined(separator: ", ")
        #expect(rest.stdout == "build \(build): running; \(ids.count - 1) job(s) queued again" + (restIDs.isEmpty ? "" : ": \(restIDs)") + "\n",
                "\(rest.stdout) \(rest.stderr)")
        #expect(try value(connection, "SELECT count(*)::text AS v FROM jobs WHERE state = 'failed'") == "0")

        let cancelled = try run.run(["cancel", "ops"])
        #expect(cancelled.status == 0 && cancelled.stdout.hasPrefix("build \(build): cancelled; "), "\(cancelled.stdout) \(cancelled.stderr)")
        #expect(try value(connection, "SELECT state AS v FROM builds WHERE id = $1", [Int64(build)!]) == "cancelled")
        #expect(try value(connection, "SELECT count(*)::text AS v FROM jobs WHERE build_id = $1", [Int64(build)!]) == "0")
    }

    @Test func workersListsALiveWorkerWithWhatItCanRun() throws {
        let (database, _) = try TestDatabase.create()
        let run = BuildRun(database: database)
        let worker = try run.startWorker()
        defer { worker.stop() }
        var listed: [String: Any] = [:]
        let registered = waitUntil(.seconds(60)) {
            guard let outcome = try? run.run(["workers", "--json"]), let found = try? document(outcome) else { return false }
            listed = (found["workers"] as? [[String: Any]])?.first { $0["pid"] as? Int == Int(worker.pid) } ?? [:]
            return !listed.isEmpty
        }
        #expect(registered, "the worker never showed in `illuminati workers --json`")
        #expect(listed["alive"] as? Bool == true && listed["state"] as? String == "active")
        #expect(listed["host"] as? String == ProcessInfo.processInfo.hostName)
        #expect(listed["running_jobs"] as? Int == 0 && listed["concurrency"] as? Int == 1)
        #expect((listed["kinds"] as? [String])?.contains("pyramid") == true, "\(listed)")
        // Without --cores/--memory a worker advertises the machine's.
        let machine = WorkerCapacity.machine()
        #expect(listed["cores"] as? Int == machine.cores && listed["memory_mb"] as? Int == machine.memoryMB, "\(listed)")
        let text = try run.run(["workers"])
        #expect(text.stdout.hasPrefix("1 worker(s), 1 alive\n") && text.stdout.contains("pid \(worker.pid)  alive  active  0/1 running  \(machine.cores) cores, \(machine.memoryMB) MB"),
                "\(text.stdout)")
    }
}
