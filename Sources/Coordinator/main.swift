import ArgumentParser
import Foundation
import IlluminatiCoordinator
import IlluminatiCore

// Errors are one clear message on stderr and a non-zero exit, never a stack trace:
// 2 for bad input (manifest, arguments: see ErrorClass), 1 for everything else.
InterruptionGuard.install()
do {
    var command = try Illuminati.parseAsRoot()
    do {
        try command.run()
    } catch let error as ExitCode {
        exit(error.rawValue)
    } catch let error as CleanExit {
        Illuminati.exit(withError: error)
    } catch {
        // Help and usage errors that ArgumentParser raises while running (e.g. `--help` on a
        // command group) are printed its way; everything else is ours.
        let parserCode = Illuminati.exitCode(for: error)
        if parserCode == .success || parserCode == .validationFailure { Illuminati.exit(withError: error) }
        FileHandle.standardError.write(Data("illuminati: error: \(error)\n".utf8))
        exit(exitCode(for: error))
    }
} catch {
    Illuminati.exit(withError: error)
}

/// Bad input (`ClassifiedError`) exits 2; everything else, 1.
func exitCode(for error: Error) -> Int32 {
    ErrorClass(of: error) == .badInput ? 2 : 1
}
