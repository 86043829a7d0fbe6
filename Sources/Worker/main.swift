import ArgumentParser
import Foundation

// Errors are one line on stderr and a non-zero exit: argument problems as ArgumentParser
// reports them, anything later as `illuminati-worker: error: …` with exit code 1 (2 when
// the database or its schema is not usable).
let command: WorkerCommand
do {
    command = try WorkerCommand.parse()
} catch {
    WorkerCommand.exit(withError: error)
}
do {
    try await command.run()
} catch let error as WorkerExit {
    FileHandle.standardError.write(Data("illuminati-worker: error: \(error.message)\n".utf8))
    exit(error.code)
} catch {
    FileHandle.standardError.write(Data("illuminati-worker: error: \(error)\n".utf8))
    exit(1)
}
