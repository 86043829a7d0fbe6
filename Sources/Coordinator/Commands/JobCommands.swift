import ArgumentParser
import Foundation
import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiDatabase
import IlluminatiQueue

/// TissueMAPS' phases, for `info` and `log`.
enum Phase: String, ExpressibleByArgument, CaseIterable {
    case `init`, run, collect
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one job in the foreground, for debugging.",
        discussion: "The job's work is done here (tiles are written as a worker would); its state in the queue is not changed.")

    @OptionGroup var experimentArgument: ExperimentArgument
    @Option(name: [.short, .long], help: "Job id.") var job: Int
    @OptionGroup var storageOption: StorageOption
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let storage = try storageOption.root(stateDir: global.stateDir)
        try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            let (_, record) = try JobOfExperiment.find(job, experiment: experiment, connection: session.connection)
            let runner = BuildJobRunner(storageRoot: storage.path, conninfo: session.conninfo, logger: global.logger)
            let started = Date()
            let result = try runner.run(build: record.stage.build, kind: record.kind, payload: record.payload)
            print("job \(job) (\(record.kind), \(record.stage.layer) stage \(record.stage.stage)): done in "
                  + String(format: "%.2f s", Date().timeIntervalSince(started)))
            if let result { print(result) }
        }
    }
}

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show a phase's description: the build (init), one job (run, with --job), or the map objects (collect).")

    @OptionGroup var experimentArgument: ExperimentArgument
    @Option(name: [.short, .long], help: "init, run or collect.") var phase: Phase
    @Option(name: [.short, .long], help: "Job id (with --phase run).") var job: Int?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if phase == .run && job == nil { throw ValidationError("--phase run needs --job") }
        if phase != .run && job != nil { throw ValidationError("--job goes with --phase run") }
    }

    func run() throws {
        try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            let connection = session.connection
            switch phase {
            case .`init`:
                let stored = try ExperimentStore(connection).load(experiment)
                guard let build = try BuildStore(connection).latestBuild(experiment: stored.id) else {
                    throw BuildError.noBuild(experiment: experiment)
                }
                print("build \(build.id): \(build.state.rawValue), created \(build.createdAt)")
                print("max attempts \(build.retry.maxAttempts), priority \(build.priority)")
                for layer in try BuildStore(connection).layers(build.id) {
                    print("  \(layer.name): \(layer.succeededStages)/\(layer.stages) stages done")
                }
                print("parameters: \(build.params)")
            case .run:
                let (_, record) = try JobOfExperiment.find(job!, experiment: experiment, connection: connection)
                print("job \(record.id): \(record.kind), build \(record.stage.build), layer \(record.stage.layer), stage \(record.stage.stage)")
                print("state \(record.state), attempt \(record.attempt) of \(record.maxAttempts)")
                print("enqueued \(record.enqueuedAt)" + (record.startedAt.map { ", started \($0)" } ?? "")
                      + (record.finishedAt.map { ", finished \($0)" } ?? ""))
                print("payload: \(record.payload)")
                if let result = record.result { print("result: \(result)") }
                for error in try QueueInspector(connection).errors(job: record.id) {
                    print("attempt \(error.attempt) \(error.kind) at \(error.at): \(error.message)")
                }
            case .collect:
                let stored = try ExperimentStore(connection).load(experiment)
                let counts = try MapObjectStore(connection).counts(experimentID: stored.id)
                if counts.isEmpty { print("no map objects (illuminati collect \(experiment))") }
                for (type, count) in counts.sorted(by: { $0.key < $1.key }) { print("\(type): \(count) objects") }
            }
        }
    }
}

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show what was recorded about a job: each failed attempt's error, and the report of the attempt that succeeded.")

    @OptionGroup var experimentArgument: ExperimentArgument
    @Option(name: [.short, .long], help: "run (jobs are logged in the database; init and collect run in the coordinator and log to its stderr).")
    var phase: Phase = .run
    @Option(name: [.short, .long], help: "Job id.") var job: Int
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard phase == .run else { throw ValidationError("only --phase run has per-job logs") }
    }

    func run() throws {
        try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            let (_, record) = try JobOfExperiment.find(job, experiment: experiment, connection: session.connection)
            let errors = try QueueInspector(session.connection).errors(job: record.id)
            for error in errors {
                print("\(error.at) attempt \(error.attempt) [\(error.workerID ?? "-")] \(error.kind): \(error.message)")
            }
            if let finished = record.finishedAt {
                print("\(finished) \(record.state)" + (record.result.map { ": \($0)" } ?? ""))
            } else if errors.isEmpty {
                print("job \(record.id) is \(record.state); nothing recorded yet")
            }
        }
    }
}
