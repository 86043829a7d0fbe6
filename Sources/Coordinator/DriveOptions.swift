import ArgumentParser
import Foundation
import IlluminatiCoordinator
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiStorage

/// How `submit` and `resubmit` drive an experiment's build to its end, and what they say when it ends.
struct DriveOptions: ParsableArguments {
    @Option(name: .long, help: "Start this many local worker processes for the duration.") var workers: Int = 0
    @Option(name: [.short, .long], help: "Seconds between progress updates (the end of the build is seen at once).")
    var interval: Double = 2
    @Option(name: [.short, .long], help: "1: a line per layer; 2: also a line per stage.") var depth: Int = 1
    @OptionGroup var resources: ResourceOptions

    func validate() throws {
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more") }
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
    }

    /// Shows progress until the build is over; then collects the map objects (exit 0), or
    /// explains a cancelled build (exit 2) or dead-lettered jobs (exit 1).
    func drive(_ stored: StoredExperiment, session: DatabaseSession, storage: StorageRoot, global: GlobalOptions) throws {
        let experiment = stored.experiment.name
        let local = workers > 0 ? try LocalWorkers.guarded() : nil
        if let local {
            // Whatever the build's jobs ask for, the workers started for it claim them all.
            let build = try BuildStore(session.connection).latestBuild(experiment: stored.id)
            let needs = try build.map { try BuildStore(session.connection).largestNeeds($0.id) } ?? JobNeeds()
            try local.start(count: workers, conninfo: session.conninfo, storage: storage, logLevel: global.log.level.rawValue,
                            capacity: WorkerCapacity.machine().covering(needs))
        }
        defer { local?.stop() }
        let drive = DriveBuild(connection: session.connection, conninfo: session.conninfo, logger: global.logger,
                               interval: .milliseconds(Int(interval * 1000)), depth: depth,
                               outputs: storage.experiment(experiment),
                               display: ProgressView())
        switch try drive.run(stored, workers: local) {
        case .succeeded(let build):
            let counts = try CollectMapObjects.afterDrive(stored, session: session, logger: global.logger)
            print("build \(build): done; map objects: " + counts)
            print("tiles: \(storage.experiment(experiment).directory)")
        case .cancelled(let build):
            throw InputError("build \(build) was cancelled; plan a new one with `illuminati init \(experiment)`")
        case .stuck(let build, let failures):
            var lines = ["build \(build): \(failures.count) job(s) failed after their last attempt; the rest of what could be built is built."]
            for failure in failures.prefix(10) {
                lines.append("  job \(failure.id) (\(failure.layer) stage \(failure.stage), \(failure.kind)): \(failure.lastError)")
            }
            if failures.count > 10 { lines.append("  … and \(failures.count - 10) more (illuminati status \(experiment))") }
            lines.append("fix the cause, then run `illuminati resubmit \(experiment)`")
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
