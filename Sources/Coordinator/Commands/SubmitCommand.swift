import ArgumentParser
import Foundation
import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Run the planned build to the end, showing progress; then collect the map objects.",
        discussion: """
            Without --workers the coordinator only coordinates: start illuminati-worker processes \
            anywhere with the same database and storage. Stopping submit (Ctrl-C) and running it \
            again continues the same build. Exits 0 when every layer is built, 1 with a summary \
            when dead-lettered jobs hold the build (fix the cause, then `illuminati resubmit`).
            """)

    @Argument(help: "Experiment name.") var experiment: String
    @Option(name: .long, help: "Start this many local worker processes for the duration.") var workers: Int = 0
    @Option(name: [.short, .long], help: "Seconds between progress updates (the end of the build is seen at once).")
    var interval: Double = 2
    @Option(name: [.short, .long], help: "1: a line per layer; 2: also a line per stage.") var depth: Int = 1
    @OptionGroup var storageOption: StorageOption
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more") }
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
    }

    func run() throws {
        let storage = try storageOption.root(stateDir: global.stateDir)
        try global.withDatabase { session in
            let stored = try ExperimentStore(session.connection).load(experiment)
            let local = workers > 0 ? try LocalWorkers.guarded() : nil
            try local?.start(count: workers, conninfo: session.conninfo, storage: storage, logLevel: global.logLevel)
            defer { local?.stop() }
            let drive = DriveBuild(connection: session.connection, conninfo: session.conninfo, logger: global.logger,
                                   interval: .milliseconds(Int(interval * 1000)), depth: depth,
                                   outputs: storage.experiment(experiment),
                                   display: ProgressView())
            switch try drive.run(stored, workers: local) {
            case .succeeded(let build):
                let counts = try CollectMapObjects(connection: try DatabaseConnection(conninfo: session.conninfo)).run(stored)
                print("build \(build): done; map objects: " + counts.sorted { $0.key.rawValue < $1.key.rawValue }
                    .map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", "))
                print("tiles: \(storage.experiment(experiment).directory)")
            case .cancelled(let build):
                throw InputError("build \(build) was cancelled; plan a new one with `illuminati init \(experiment)`")
            case .stuck(let build, let failures):
                var lines = ["build \(build): \(failures.count) job(s) failed after their last attempt; the rest of what could be built is built."]
                for failure in failures.prefix(10) {
                    lines.append("  job \(failure.id) (\(failure.layer) stage \(failure.stage), \(failure.kind)): \(failure.lastError)")
                }
                if failures.count > 10 { lines.append("  … and \(failures.count - 10) more (illuminati status \(experiment))") }
                lines.append("fix the cause, then run `illuminati resubmit \(experiment)` and `illuminati submit \(experiment)`")
                FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
                throw ExitCode(1)
            }
        }
    }
}
