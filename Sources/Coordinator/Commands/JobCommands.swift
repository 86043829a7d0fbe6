import ArgumentParser
import Foundation
import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue

/// TissueMAPS' phases, for `info` and `log`.
enum Phase: String, ExpressibleByArgument, CaseIterable {
    case `init`, run, collect

    /// The phases that run in the coordinator and keep their log in the database.
    var coordinatorPhase: CoordinatorPhase? { CoordinatorPhase(rawValue: rawValue) }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one job in the foreground, for debugging.",
        discussion: """
            The job's work is done here (tiles are written as a worker would); its state in the queue \
            is not changed. First the job removes what it wrote in an earlier run (its shard or tiles, \
            its intermediate tiles, its statistics file, and what a killed attempt left of them); \
            --assume-clean-state skips that.
            """)

    @OptionGroup var experimentArgument: ExperimentArgument
    @Option(name: [.short, .long], help: "Job id.") var job: Int
    @Flag(name: .long, help: "Trust the storage to hold nothing of an earlier run of the job (skip the removal).")
    var assumeCleanState = false
    @OptionGroup var storageOption: StorageOption
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let storage = try storageOption.root(stateDir: global.stateDir)
        try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            let (_, record) = try JobOfExperiment.find(job, experiment: experiment, connection: session.connection)
            let runner = BuildJobRunner(storageRoot: storage.path, conninfo: session.conninfo, logger: global.logger)
            let started = Date()
            let result = try runner.run(build: record.stage.build, kind: record.kind, payload: record.payload,
                                        assumeCleanState: assumeCleanState)
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
                try printLatestLog(.`init`, stored, connection)
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
                try printLatestLog(.collect, stored, connection)
            }
        }
    }

    /// One line on the phase's latest recorded run; `illuminati log` shows it whole.
    private func printLatestLog(_ phase: CoordinatorPhase, _ stored: StoredExperiment, _ connection: DatabaseConnection) throws {
        guard let log = try PhaseLogStore(connection).latest(experimentID: stored.id, phase: phase) else { return }
        print("latest \(phase.rawValue): \(log.startedAt), \(PhaseLogText.summary(log))"
              + " (illuminati log \(stored.experiment.name) --phase \(phase.rawValue))")
    }
}

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show what was recorded about a phase: the latest init or collect, or a job (each failed attempt's error, and the report of the attempt that succeeded).")

    @OptionGroup var experimentArgument: ExperimentArgument
    @Option(name: [.short, .long], help: "init, run or collect (init and collect keep their latest log in the database).")
    var phase: Phase = .run
    @Option(name: [.short, .long], help: "Job id (with --phase run).") var job: Int?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if phase == .run && job == nil { throw ValidationError("--phase run needs --job") }
        if phase != .run && job != nil { throw ValidationError("--job goes with --phase run") }
    }

    func run() throws {
        try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            guard let job else {
                let logged = phase.coordinatorPhase!
                let id = try ExperimentStore(session.connection).id(of: experiment)
                guard let log = try PhaseLogStore(session.connection).latest(experimentID: id, phase: logged) else {
                    print("no \(logged.rawValue) of \(experiment) is recorded yet (illuminati \(logged.rawValue) \(experiment))")
                    return
                }
                print(PhaseLogText.lines(log, phase: logged).joined(separator: "\n"))
                return
            }
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
