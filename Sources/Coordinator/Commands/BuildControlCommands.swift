import ArgumentParser
import IlluminatiQueue

/// `illuminati pause|resume|cancel EXPERIMENT`: one operator action on a build, printing what it touched.
protocol BuildControlCommand: ParsableCommand {
    var buildArguments: BuildArguments { get }
    var global: GlobalOptions { get }
    static func act(_ control: QueueControl, build: Int64) throws -> ControlOutcome
}

extension BuildControlCommand {
    func run() throws {
        try global.withDatabase { session in
            let (_, build) = try buildArguments.resolve(session.connection)
            print(try Self.act(QueueControl(session.connection), build: build.id).description)
        }
    }
}

struct PauseCommand: BuildControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Hold a running build's claimable jobs; running jobs finish (resume releases them).")
    @OptionGroup var buildArguments: BuildArguments
    @OptionGroup var global: GlobalOptions
    static func act(_ control: QueueControl, build: Int64) throws -> ControlOutcome { try control.pause(build) }
}

struct ResumeCommand: BuildControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Release a paused build's held jobs to the workers.")
    @OptionGroup var buildArguments: BuildArguments
    @OptionGroup var global: GlobalOptions
    static func act(_ control: QueueControl, build: Int64) throws -> ControlOutcome { try control.resume(build) }
}

struct CancelCommand: BuildControlCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a build: its jobs that are not running go to the history as cancelled, running ones are asked to stop.",
        discussion: "A cancelled build is over; `illuminati init` plans a new one.")
    @OptionGroup var buildArguments: BuildArguments
    @OptionGroup var global: GlobalOptions
    static func act(_ control: QueueControl, build: Int64) throws -> ControlOutcome { try control.cancel(build) }
}
