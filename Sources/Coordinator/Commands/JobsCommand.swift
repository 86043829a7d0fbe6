import ArgumentParser
import Foundation
import IlluminatiQueue

extension JobState: ExpressibleByArgument {}

struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List a build's live jobs and dead letters, with each dead letter's last error and the file it names.",
        discussion: "Finished jobs are history, not listed here (`illuminati info --phase run --job N` shows one).")

    @OptionGroup var buildArguments: BuildArguments
    @Option(help: ArgumentHelp("Only jobs in this state: failed (dead letters), running, available, held or waiting.",
                               valueName: "state"))
    var state: JobState?
    @Flag(help: "One JSON document (docs/cli.md) instead of text.") var json = false
    @OptionGroup var global: GlobalOptions

    /// `--json`: stable members (docs/cli.md).
    struct Document: Encodable {
        var experiment: String
        var build: Int64
        var buildState: String
        var jobs: [ListedJob]
    }

    func run() throws {
        try global.withDatabase { session in
            let (experiment, build) = try buildArguments.resolve(session.connection)
            let jobs = try QueueListing(session.connection).jobs(build: build.id, state: state)
            if json {
                try JSONOutput.print(Document(experiment: experiment, build: build.id, buildState: build.state.rawValue, jobs: jobs))
                return
            }
            print("build \(build.id) (\(experiment), \(build.state.rawValue)): \(jobs.count) job(s)"
                  + (state.map { " \($0.rawValue)" } ?? ""))
            for job in jobs { print(Self.lines(job).joined(separator: "\n")) }
        }
    }

    static func lines(_ job: ListedJob) -> [String] {
        var first = "  job \(job.id)  \(job.layer) stage \(job.stage)  \(job.kind)  \(job.state)  attempt \(job.attempt)/\(job.maxAttempts)"
        if let worker = job.worker {
            first += "  on \(worker.host ?? "a worker gone") pid \(worker.pid.map(String.init) ?? "-")"
            if let runtime = job.runtimeSeconds { first += String(format: " for %.1f s", runtime) }
        }
        var lines = [first]
        if let error = job.lastError { lines.append("      error: \(error)") }
        if let file = job.file { lines.append("      file: \(file)") }
        return lines
    }
}
