import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

/// deploy/slurm/illuminati-workers.sbatch on a real Slurm (SlurmCluster): `submit` starts a
/// build and runs no worker of its own, the array's workers build it, and the array ends by
/// itself once the queue is idle (--idle-exit).
@Suite(.serialized, .tags(.database, .process)) struct SlurmWorkerArrayTests {
    @Test func aWorkerArrayBuildsASubmittedExperimentAndEndsWhenIdle() throws {
        let slurm = try SlurmCluster.start()
        defer { slurm.stop() }
        let plate = try PlannedPlate.make()
        let (run, connection, build) = (plate.run, plate.connection, plate.build)
        let builds = BuildStore(connection)

        let submit = try run.startSubmit("plate", workers: 0)
        var submitEnded = false
        defer { if !submitEnded { kill(submit.pid, SIGKILL); _ = submit.finish() } }
        #expect(waitUntil(.seconds(60)) { (try? builds.info(build).state) == .running })

        let array = try slurm.client("sbatch", [
            "--parsable", "--array=0-1", "--cpus-per-task=1", "--mem-per-cpu=100M", "--time=10",
            "--output=" + slurm.folder.file("worker-%a.log"), "--chdir=" + slurm.folder.path,
            DeployFiles.path("slurm/illuminati-workers.sbatch"),
            // Short enough for a test; --grace under the cluster's KillWait, as the script says.
            "--idle-exit", "5", "--lease", "5", "--grace", "\(SlurmCluster.killWait / 2)",
        ], environment: [
            "DATABASE_URL": run.database, "ILLUMINATI_STORAGE": run.storage.path,
            "PATH": Executables.productsDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
        ]).trimmingCharacters(in: .whitespacesAndNewlines)
        let logs = { slurm.log("worker-0.log") + slurm.log("worker-1.log") }

        let built = waitUntil(.seconds(300)) { (try? builds.info(build).state) == .succeeded }
        #expect(built, "build \(build): \((try? builds.info(build).state).map { "\($0)" } ?? "?")\n\(logs())")
        guard built else { return }
        let submitted = submit.finish()
        submitEnded = true
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(submitted.stdout.contains("done"))

        #expect(waitUntil(.seconds(60)) { (try? slurm.queue())?.isEmpty == true }, "the workers did not exit when idle\n\(logs())")
        let tasks = try slurm.client("scontrol", ["-o", "show", "job", array]).split(separator: "\n")
        #expect(tasks.count == 2, "\(tasks)")
        for task in tasks {
            #expect(task.contains("JobState=COMPLETED") && task.contains("ExitCode=0:0"), "\(task)\n\(logs())")
        }
        let count = try connection.execute("SELECT count(DISTINCT worker_id) FROM job_history WHERE build_id = $1",
                                           [build.sqlValue], name: "workers of the build").onlyInteger()
        #expect((1...2).contains(count), "the jobs were done by the array's workers: \(count)")
        #expect(logs().contains("illuminati-worker"), "\(logs())")
        let output = try buildOutput(storage: run.storage.path, experiment: "plate")
        #expect(output.keys.filter { $0.hasSuffix(".dzi") }.count == 4)
    }

    /// The script's worker releases its jobs before Slurm's SIGKILL: --grace, plus a margin for
    /// the release, under the --signal lead before --time and under KillWait's default (30 s).
    @Test func theScriptsGraceFitsSlurmsStopTimes() throws {
        let script = try String(contentsOfFile: DeployFiles.path("slurm/illuminati-workers.sbatch"), encoding: .utf8)
        let lead = try #require(script.firstMatch(of: /#SBATCH --signal=B:TERM@(\d+)/).flatMap { Int($0.1) })
        let worker = try #require(script.split(separator: "\n").first { $0.hasPrefix("exec illuminati-worker") })
        let grace = try #require(worker.firstMatch(of: /--grace (\d+)/).flatMap { Int($0.1) })
        #expect(worker.contains("--idle-exit") && worker.hasSuffix("\"$@\""))
        #expect(grace + 5 <= lead, "--grace \(grace) leaves no margin before the --signal at \(lead) s")
        #expect(grace + 5 <= 30, "--grace \(grace) leaves no margin under Slurm's default KillWait")
    }
}
