import Foundation
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiSample
import IlluminatiTestSupport
import Testing

/// A plate big enough for a few pyramid levels and many one-tile jobs, written per test so
/// a test may damage its files.
func buildPlate(seed: UInt64 = 7, wells: [String] = ["A01", "B02"]) throws -> (directory: TemporaryDirectory, manifest: String) {
    let directory = TemporaryDirectory.make(prefix: "illuminati-build-plate")
    var spec = SamplePlateSpec()
    spec.plates = 2
    spec.wells = .names(wells)
    spec.siteRows = 2
    spec.siteColumns = 2
    spec.height = 160
    spec.width = 200
    spec.channels = 2
    spec.cycles = 2
    spec.seed = seed
    let result = try SamplePlate.generate(spec, into: directory.path)
    return (directory, result.manifestPath)
}

/// The files of an experiment's build output that a viewer reads, its shards' tiles as
/// `LAYER_shards/{level}/{col}_{row}.jpg` (statistics partials and the merged statistics are
/// compared too: they are part of the deterministic output).
func buildOutput(storage: String, experiment: String) throws -> [String: Data] {
    try ShardContents.expanding(filesBelow(storage + "/" + experiment))
}

/// Cuts the plate's first image of `channel` to a third, so the jobs that read it fail for good;
/// its path and its bytes, to write back.
func truncateFirstImage(of plate: (directory: TemporaryDirectory, manifest: String), channel: String) throws
    -> (path: String, original: Data)
{
    let manifest = try String(contentsOfFile: plate.manifest, encoding: .utf8)
    let relative = try #require(manifest.split(separator: "\n").dropFirst().first { $0.contains(channel) }?
        .split(separator: ",").first.map(String.init))
    let path = relative.hasPrefix("/") ? relative : plate.directory.path + "/" + relative
    let original = try Data(contentsOf: URL(fileURLWithPath: path))
    try original.prefix(original.count / 3).write(to: URL(fileURLWithPath: path))
    return (path, original)
}

struct BuildRun {
    let database: String
    let storage = TemporaryDirectory.make(prefix: "illuminati-storage")

    func run(_ arguments: [String]) throws -> Executables.Outcome {
        try Executables.run("illuminati", arguments + ["--database-url", database])
    }

    func create(_ name: String, manifest: String) throws {
        let outcome = try run(["experiment", "create", name, "--manifest", manifest])
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    func initialize(_ name: String, _ options: [String] = ["--illumcorr", "--align", "--clip", "--batch-size", "4"]) throws {
        let outcome = try run(["init", name] + options)
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    func submit(_ name: String, workers: Int) throws -> Executables.Outcome {
        try run(["submit", name, "--workers", "\(workers)", "--interval", "0.2", "--storage", storage.path])
    }

    func startSubmit(_ name: String, workers: Int = 0, interval: Double = 0.2) throws -> Executables.Running {
        try Executables.start("illuminati", ["submit", name, "--workers", "\(workers)", "--interval", "\(interval)",
                                             "--storage", storage.path, "--database-url", database])
    }

    func startWorker() throws -> Executables.Running {
        try Executables.start("illuminati-worker", ["--database-url", database, "--storage", storage.path,
                                                    "--concurrency", "1", "--lease", "2", "--grace", "1"])
    }
}

@Suite(.serialized, .tags(.database, .process)) struct BuildCommandTests {
    @Test func threeWorkersBuildEveryLayerIdenticallyToOneWorker() throws {
        let plate = try buildPlate()
        let (database, connection) = try TestDatabase.create(migrated: false)
        let many = BuildRun(database: database), one = BuildRun(database: database)
        try many.create("many", manifest: plate.manifest)
        try one.create("one", manifest: plate.manifest)
        try many.initialize("many")
        try one.initialize("one")

        let built = try many.submit("many", workers: 3)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains("done"))
        let single = try one.submit("one", workers: 1)
        #expect(single.status == 0, "\(single.stderr)")

        let a = try buildOutput(storage: many.storage.path, experiment: "many")
        let b = try buildOutput(storage: one.storage.path, experiment: "one")
        for layer in ["DAPI_c0", "DAPI_c1", "GFP_c0", "GFP_c1"] {
            let dzi = try #require(a["\(layer).dzi"].map { String(decoding: $0, as: UTF8.self) })
            #expect(dzi.contains("TileSize=\"256\"") && dzi.contains("Overlap=\"0\""))
            #expect(a["\(layer).json"] != nil)
            #expect(a.keys.contains { $0.hasPrefix("\(layer)_shards/0/") }, "level 0 (1×1) of \(layer)")
            #expect(!a.keys.contains { $0.hasPrefix("\(layer)_intermediate") }, "intermediates are removed")
        }
        #expect(a.keys.filter { $0.hasSuffix(".jpg") }.count > 40)
        #expect(Set(a.keys) == Set(b.keys))
        let differing = a.keys.filter { a[$0] != b[$0] }.sorted()
        #expect(differing.isEmpty, "differ: \(differing.prefix(5))")

        let experiment = try ExperimentStore(connection).load("many")
        #expect(try MapObjectStore(connection).counts(experimentID: experiment.id) == ["Plates": 2, "Wells": 4, "Sites": 16])
        let build = try #require(try BuildStore(connection).latestBuild(experiment: experiment.id))
        #expect(build.state == .succeeded)
        let history = try QueueInspector(connection).history(build: build.id)
        #expect(history.total == history.distinctJobs, "no job completed twice")
    }

    /// One plan, two executors: `pyramid` runs in its process the jobs `submit` runs from the
    /// queue, so its output folder is the experiment's folder on the storage, byte for byte
    /// (statistics, their partial sums and descriptors included).
    @Test(arguments: [[], ["--illumcorr", "--align", "--clip"]])
    func pyramidWritesTheTreeSubmitWrites(options: [String]) throws {
        let plate = try buildPlate(seed: 31)
        let (database, _) = try TestDatabase.create(migrated: false)
        let queued = BuildRun(database: database)
        let arguments = options + ["--batch-size", "4"]
        try queued.create("queued", manifest: plate.manifest)
        try queued.initialize("queued", arguments)
        let submitted = try queued.submit("queued", workers: 2)
        #expect(submitted.status == 0, "\(submitted.stderr)")

        let output = TemporaryDirectory.make(prefix: "illuminati-pyramid")
        let local = try Executables.run("illuminati", ["pyramid", "--manifest", plate.manifest, "--output", output.path,
                                                      "--threads", "2"] + arguments)
        #expect(local.status == 0, "\(local.stderr)")
        #expect(local.stdout.contains("pyramid: layers=4"), "\(local.stdout)")

        let fromQueue = try buildOutput(storage: queued.storage.path, experiment: "queued")
        let inProcess = try ShardContents.expanding(filesBelow(output.path))
        let shards = { (files: [String: Data]) in files.keys.filter { $0.hasSuffix(".zip") }.sorted() }
        #expect(shards(try filesBelow(output.path)) == shards(try filesBelow(queued.storage.path + "/queued")),
                "the same jobs, so the same shards")
        #expect(!shards(try filesBelow(output.path)).isEmpty)
        for layer in ["DAPI_c0", "DAPI_c1", "GFP_c0", "GFP_c1"] {
            #expect(inProcess["\(layer).dzi"] != nil && inProcess["\(layer).json"] != nil)
        }
        #expect(inProcess.keys.filter { $0.hasSuffix(".jpg") }.count > 40)
        let statistics = inProcess.keys.filter { $0.hasPrefix("illumstats/") }.sorted()
        if options.contains("--illumcorr") {
            #expect(statistics.contains("illumstats/DAPI.illumstats") && statistics.contains { $0.hasPrefix("illumstats/partial/GFP/") },
                    "\(statistics)")
        } else {
            #expect(statistics.isEmpty)
        }
        #expect(differences(fromQueue, inProcess).isEmpty, "differ: \(differences(fromQueue, inProcess).prefix(5))")
    }

    @Test func killedWorkersLoseNothingAndChangeNoByte() throws {
        let plate = try buildPlate(seed: 11)
        let (database, connection) = try TestDatabase.create(migrated: false)
        let clean = BuildRun(database: database), chaos = BuildRun(database: database)
        try clean.create("clean", manifest: plate.manifest)
        try chaos.create("chaos", manifest: plate.manifest)
        try clean.initialize("clean", ["--align", "--clip", "--batch-size", "1"])
        try chaos.initialize("chaos", ["--align", "--clip", "--batch-size", "1"])
        #expect(try clean.submit("clean", workers: 1).status == 0)

        let coordinator = try chaos.startSubmit("chaos")
        var workers = try (0..<2).map { _ in try chaos.startWorker() }
        var kills = 0
        var generator = SystemRandomNumberGenerator()
        while coordinator.isRunning && kills < 4 {
            usleep(UInt32.random(in: 150_000...600_000, using: &generator))
            guard coordinator.isRunning else { break }
            let victim = Int.random(in: 0..<workers.count, using: &generator)
            workers[victim].send(SIGKILL)
            _ = workers[victim].finish()
            kills += 1
            workers[victim] = try chaos.startWorker()
        }
        let outcome = coordinator.finish(timeout: .seconds(180))
        for worker in workers {
            worker.send(SIGTERM)
            _ = worker.finish(timeout: .seconds(20))
        }
        let finished = try #require(outcome, "the build did not finish")
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(kills >= 1)

        let a = try buildOutput(storage: clean.storage.path, experiment: "clean")
        let b = try buildOutput(storage: chaos.storage.path, experiment: "chaos")
        #expect(Set(a.keys) == Set(b.keys))
        #expect(a.keys.filter { a[$0] != b[$0] }.isEmpty)
        let experiment = try ExperimentStore(connection).load("chaos")
        let build = try #require(try BuildStore(connection).latestBuild(experiment: experiment.id))
        #expect(try QueueInspector(connection).failures(build: build.id).isEmpty, "nothing dead-lettered")
        let history = try QueueInspector(connection).history(build: build.id)
        #expect(history.total == history.distinctJobs)
    }

    @Test func aCorruptImageIsDeadLetteredAndResubmitFinishesTheBuild() throws {
        let plate = try buildPlate(seed: 5)
        let (database, _) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        try run.create("corrupt", manifest: plate.manifest)
        let (victim, original) = try truncateFirstImage(of: plate, channel: "GFP")
        try run.initialize("corrupt", ["--batch-size", "4"])

        let failed = try run.submit("corrupt", workers: 2)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains((victim as NSString).lastPathComponent), "\(failed.stderr)")
        #expect(failed.stderr.contains("resubmit"))
        #expect(noStackTrace(failed))
        let partial = try buildOutput(storage: run.storage.path, experiment: "corrupt")
        #expect(partial["DAPI_c0.dzi"] != nil, "layers without the bad file are built")

        try original.write(to: URL(fileURLWithPath: victim))
        // resubmit drives the build to its end, as submit does.
        let finished = try run.run(["resubmit", "corrupt", "--workers", "2", "--interval", "0.2", "--storage", run.storage.path])
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(finished.stdout.contains("failed job(s) queued again") && finished.stdout.contains("done; map objects:"),
                "\(finished.stdout)")
        let complete = try buildOutput(storage: run.storage.path, experiment: "corrupt")
        for layer in ["DAPI_c0", "DAPI_c1", "GFP_c0", "GFP_c1"] { #expect(complete["\(layer).dzi"] != nil) }
    }

    @Test func twoCoordinatorsDriveOneBuildOnce() throws {
        let plate = try buildPlate(seed: 3)
        let (database, connection) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        try run.create("twice", manifest: plate.manifest)
        try run.initialize("twice", ["--clip", "--batch-size", "1"])
        let first = try run.startSubmit("twice", workers: 1)
        let second = try run.startSubmit("twice", workers: 1)
        let a = try #require(first.finish(timeout: .seconds(180)))
        let b = try #require(second.finish(timeout: .seconds(180)))
        #expect(a.status == 0, "\(a.stderr)")
        #expect(b.status == 0, "\(b.stderr)")
        let experiment = try ExperimentStore(connection).load("twice")
        let builds = try BuildStore(connection).builds(experiment: experiment.id)
        #expect(builds.count == 1)
        let history = try QueueInspector(connection).history(build: builds[0].id)
        #expect(history.total == history.distinctJobs)
        let stages = try QueueInspector(connection).stages(build: builds[0].id)
        #expect(stages.allSatisfy { $0.state == .succeeded })
        #expect(Set(stages.map { "\($0.layer)/\($0.stage)" }).count == stages.count)
    }

    @Test func initReplacesAPlannedBuildAndRefusesAStartedOne() throws {
        let plate = try buildPlate(seed: 9)
        let (database, connection) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        try run.create("started", manifest: plate.manifest)
        try run.initialize("started", ["--batch-size", "4"])
        let replaced = try run.run(["init", "started", "--batch-size", "2"])
        #expect(replaced.status == 0)
        #expect(replaced.stdout.contains("replaced build"))

        // A coordinator without workers starts the build and is stopped before it ends.
        let coordinator = try run.startSubmit("started")
        #expect(waitUntil(.seconds(60)) {
            (try? connection.execute("SELECT count(*) AS n FROM builds WHERE state = 'running'", name: "running").one().int("n")) == 1
        }, "the coordinator starts the build")
        coordinator.send(SIGTERM)
        _ = coordinator.finish(timeout: .seconds(20))
        let refused = try run.run(["init", "started"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("already started") && refused.stderr.contains("illuminati submit started"),
                "\(refused.stderr)")
        #expect(try run.submit("started", workers: 1).status == 0)

        let unknown = try run.run(["init", "no-such-experiment"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no experiment named no-such-experiment"))
    }

    @Test func aWorkerWithoutTheSchemaSaysSo() throws {
        let (database, _) = try TestDatabase.create(migrated: false)
        let storage = TemporaryDirectory.make(prefix: "illuminati-storage")
        let outcome = try Executables.run("illuminati-worker", ["--database-url", database, "--storage", storage.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("illuminati migrate"), "\(outcome.stderr)")
        let noStorage = try Executables.run("illuminati-worker", ["--database-url", database, "--storage", "/nonexistent/x"])
        #expect(noStorage.status == 2)
        #expect(noStorage.stderr.contains("/nonexistent/x"))
    }

    @Test func statusInfoLogRunCollectAndCleanup() throws {
        let plate = try buildPlate(seed: 13)
        let (database, connection) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        try run.create("verbs", manifest: plate.manifest)
        try run.initialize("verbs", ["--clip", "--batch-size", "4"])
        #expect(try run.submit("verbs", workers: 1).status == 0)
        let before = try buildOutput(storage: run.storage.path, experiment: "verbs")

        let status = try run.run(["status", "verbs"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("succeeded") && status.stdout.contains("DAPI_c0"), "\(status.stdout)")
        let info = try run.run(["info", "verbs", "--phase", "init"])
        #expect(info.stdout.contains("parameters:"))

        let job = try connection.execute("SELECT job_id FROM job_history WHERE kind = 'pyramid' ORDER BY job_id LIMIT 1",
                                          name: "job").one().int("job_id")
        let jobInfo = try run.run(["info", "verbs", "--phase", "run", "--job", "\(job)"])
        #expect(jobInfo.status == 0, "\(jobInfo.stderr)")
        #expect(jobInfo.stdout.contains("payload:") && jobInfo.stdout.contains("state succeeded"))
        let log = try run.run(["log", "verbs", "--phase", "run", "--job", "\(job)"])
        #expect(log.stdout.contains("succeeded") && log.stdout.contains("\"seconds\""), "\(log.stdout)")
        let rerun = try run.run(["run", "verbs", "--job", "\(job)", "--storage", run.storage.path])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        // The job writes its tiles again (and its intermediates, which the finished layer had removed).
        let after = try buildOutput(storage: run.storage.path, experiment: "verbs")
        #expect(before.allSatisfy { after[$0.key] == $0.value }, "a re-run job writes the same bytes")
        let wrongJob = try run.run(["info", "verbs", "--phase", "run", "--job", "999999"])
        #expect(wrongJob.status == 2 && wrongJob.stderr.contains("no job 999999"))

        #expect(try run.run(["collect", "verbs"]).status == 0)
        let experiment = try ExperimentStore(connection).load("verbs")
        #expect(try MapObjectStore(connection).counts(experimentID: experiment.id) == ["Plates": 2, "Wells": 4, "Sites": 16])
        let cleanup = try run.run(["cleanup", "verbs", "--storage", run.storage.path])
        #expect(cleanup.status == 0, "\(cleanup.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run.storage.path + "/verbs"))
        #expect(try MapObjectStore(connection).counts(experimentID: experiment.id).isEmpty)

        let help = try run.run(["submit", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE"))
    }

    @Test func resubmitAllRunsTheBuildAgainAndProgressCountsOnlyTheCurrentRun() throws {
        let plate = try buildPlate(seed: 17)
        let (database, connection) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        try run.create("again", manifest: plate.manifest)
        try run.initialize("again", ["--clip", "--batch-size", "4"])
        #expect(try run.submit("again", workers: 1).status == 0)
        let first = try buildOutput(storage: run.storage.path, experiment: "again")

        let resubmitted = try run.run(["resubmit", "again", "--all", "--no-wait"])
        #expect(resubmitted.status == 0, "\(resubmitted.stderr)")
        let status = try run.run(["status", "again"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(noStackTrace(status))
        #expect(!status.stdout.isEmpty && progressCounts(status.stdout).allSatisfy { $0.done == 0 }, "\(status.stdout)")

        let submit = try run.startSubmit("again", workers: 1)
        let rebuilt = try #require(submit.finish(timeout: .seconds(180)), "submit did not finish after resubmit --all")
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(progressCounts(rebuilt.stdout).allSatisfy { $0.done <= $0.total }, "\(rebuilt.stdout)")
        let finished = try run.run(["status", "again"])
        let counts = progressCounts(finished.stdout)
        #expect(!counts.isEmpty && counts.allSatisfy { $0.done == $0.total }, "\(finished.stdout)")
        let experiment = try ExperimentStore(connection).load("again")
        let build = try #require(try BuildStore(connection).latestBuild(experiment: experiment.id))
        let stages = try QueueInspector(connection).stages(build: build.id)
        #expect(stages.allSatisfy { $0.state == .succeeded && $0.succeeded == $0.total })
        let second = try buildOutput(storage: run.storage.path, experiment: "again")
        #expect(differences(first, second).isEmpty, "\(differences(first, second).prefix(5))")
    }

    @Test func submitAfterCleanupSaysTheBuildWasCleanedUpAndInitPlansANewOne() throws {
        let plate = try buildPlate(seed: 19)
        let (database, _) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        try run.create("gone", manifest: plate.manifest)
        try run.initialize("gone", ["--clip", "--batch-size", "4"])
        #expect(try run.submit("gone", workers: 1).status == 0)
        let cleanup = try run.run(["cleanup", "gone", "--storage", run.storage.path])
        #expect(cleanup.status == 0, "\(cleanup.stderr)")

        let submit = try run.startSubmit("gone", workers: 1)
        let refused = try #require(submit.finish(timeout: .seconds(60)), "submit after cleanup did not exit")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("cleaned up") && refused.stderr.contains("illuminati init gone"), "\(refused.stderr)")
        #expect(!refused.stdout.contains("done") && !refused.stdout.contains("tiles:"), "\(refused.stdout)")
        let resubmit = try run.run(["resubmit", "gone", "--all"])
        #expect(resubmit.status == 2)
        #expect(resubmit.stderr.contains("cleaned up") && resubmit.stderr.contains("illuminati init gone"), "\(resubmit.stderr)")
        let status = try run.run(["status", "gone"])
        #expect(status.status == 0 && status.stdout.contains("cleaned up"), "\(status.stdout)")

        try run.initialize("gone", ["--clip", "--batch-size", "4"])
        let again = try run.startSubmit("gone", workers: 1)
        let rebuilt = try #require(again.finish(timeout: .seconds(180)))
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(FileManager.default.fileExists(atPath: run.storage.path + "/gone/DAPI_c0.dzi"))
    }

    @Test func aNewExperimentNeverShowsTilesOfADeletedOneOfTheSameName() throws {
        // The full plate has all four wells; the sparse one leaves A02 and B01 black, in the same geometry.
        let full = try buildPlate(seed: 23, wells: ["A01", "A02", "B01", "B02"])
        let sparse = try buildPlate(seed: 23)
        let (database, _) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database), reference = BuildRun(database: database)
        try run.create("same", manifest: full.manifest)
        try run.initialize("same", ["--clip", "--batch-size", "4"])
        #expect(try run.submit("same", workers: 1).status == 0)
        let old = try filesBelow(run.storage.path + "/same")

        let deleted = try run.run(["experiment", "delete", "same", "--storage", run.storage.path])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run.storage.path + "/same"), "the experiment's storage is removed")
        try run.create("same", manifest: sparse.manifest)
        try run.initialize("same", ["--clip", "--batch-size", "4"])
        #expect(try run.submit("same", workers: 1).status == 0)
        try reference.create("fresh", manifest: sparse.manifest)
        try reference.initialize("fresh", ["--clip", "--batch-size", "4"])
        #expect(try reference.submit("fresh", workers: 1).status == 0)
        let expected = try buildOutput(storage: reference.storage.path, experiment: "fresh")
        let rebuilt = try buildOutput(storage: run.storage.path, experiment: "same")
        #expect(differences(rebuilt, expected).isEmpty, "\(differences(rebuilt, expected).prefix(5))")

        // Old shards left where a build writes (a storage that delete did not see): the build
        // replaces them, and removes those of jobs it finds black, so no old tile shows through.
        try run.create("stale", manifest: sparse.manifest)
        try run.initialize("stale", ["--clip", "--batch-size", "4"])
        #expect(old.keys.contains { $0.hasSuffix(".zip") })
        for (relative, bytes) in old where relative.hasSuffix(".zip") {
            let path = run.storage.path + "/stale/" + relative
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try bytes.write(to: URL(fileURLWithPath: path))
        }
        #expect(try run.submit("stale", workers: 1).status == 0)
        let overwritten = try buildOutput(storage: run.storage.path, experiment: "stale")
        #expect(differences(overwritten, expected).isEmpty, "\(differences(overwritten, expected).prefix(5))")
    }

    @Test func submitExitsRightAfterTheLastJobNotAtItsNextPoll() throws {
        let plate = try buildPlate(seed: 29)
        let (database, connection) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        try run.create("prompt", manifest: plate.manifest)
        try run.initialize("prompt", ["--clip", "--batch-size", "4"])
        let worker = try run.startWorker()
        defer {
            worker.send(SIGTERM)
            _ = worker.finish(timeout: .seconds(20))
        }
        // The first poll is at the start; the next one would come 30 s later, long after this build.
        let submit = try run.startSubmit("prompt", interval: 30)
        let outcome = try #require(submit.finish(timeout: .seconds(180)))
        let exited = Date().timeIntervalSince1970
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let experiment = try ExperimentStore(connection).load("prompt")
        let build = try #require(try BuildStore(connection).latestBuild(experiment: experiment.id))
        let lastJob = try connection.execute(
            "SELECT extract(epoch FROM max(finished_at))::float8 AS t FROM job_history WHERE build_id = $1",
            [build.id.sqlValue], name: "last job").one().optionalDouble("t") ?? 0
        let delay = exited - lastJob
        #expect(delay < 1.0, "submit exited \(delay) s after the last job finished")
    }
}

/// Files that differ between two outputs, or exist in one only, by relative path.
func differences(_ a: [String: Data], _ b: [String: Data]) -> [String] {
    Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
}

/// (done, total) of every "done/total jobs" and "done/total done" in progress text.
func progressCounts(_ text: String) -> [(done: Int, total: Int)] {
    text.split(separator: "\n").compactMap { line in
        guard let match = line.firstMatch(of: /(\d+)\/(\d+) (jobs|done)/) else { return nil }
        return (Int(match.1)!, Int(match.2)!)
    }
}
