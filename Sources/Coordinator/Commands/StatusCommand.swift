import ArgumentParser
import Foundation
import IlluminatiCoordinator
import IlluminatiDatabase
import IlluminatiQueue

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Progress per layer and stage, failures and workers of an experiment's build.")

    @OptionGroup var experimentArgument: ExperimentArgument
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            let connection = session.connection
            let experimentID = try ExperimentStore(connection).id(of: experiment)
            guard let build = try BuildStore(connection).latestBuild(experiment: experimentID) else {
                print("experiment \(experiment) has no build (illuminati init \(experiment))")
                return
            }
            let inspector = QueueInspector(connection)
            print("build \(build.id): \(build.state.rawValue), created \(build.createdAt.prefix(19))"
                  + (build.finishedAt.map { ", finished \($0.prefix(19))" } ?? "")
                  + (build.cleanedUpAt.map { ", cleaned up \($0.prefix(19)) (illuminati init \(experiment) plans a new build)" } ?? ""))
            for line in BuildProgressText.lines(try inspector.stages(build: build.id), depth: 2) { print(line) }
            let failures = try inspector.failures(build: build.id)
            if !failures.isEmpty {
                print("\nfailed jobs (illuminati resubmit \(experiment) runs them again):")
                for failure in failures {
                    print("  job \(failure.id) \(failure.layer) stage \(failure.stage) \(failure.kind), "
                          + "\(failure.attempt)/\(failure.maxAttempts) attempts: \(failure.lastError)")
                }
            }
            let workers = try inspector.workers()
            print("\nworkers: \(workers.filter(\.alive).count) alive")
            for worker in workers {
                print("  \(worker.id.prefix(8)) \(worker.hostname) pid \(worker.pid) \(worker.state)"
                      + "\(worker.alive ? "" : " (silent)"), \(worker.cores) cores, \(worker.memoryMB) MB, "
                      + "\(worker.runningJobs) running, last heard \(Int(worker.heartbeatAge.components.seconds)) s ago")
            }
            // With no worker alive every job waits, and the line above says so.
            let unfit = workers.contains(where: \.alive) ? try inspector.unfit(build: build.id) : []
            if !unfit.isEmpty {
                print("\njobs no live worker takes (each needs a worker with at least these cores and MB, handling its kind):")
                for group in unfit {
                    print("  \(group.count) \(group.kind) job(s): \(group.needs.cores) cores, \(group.needs.memoryMB) MB")
                }
            }
        }
    }
}
