import ArgumentParser
import Foundation
import IlluminatiCore
import IlluminatiBuild
import IlluminatiDatabase
import IlluminatiPyramid

// Errors are one clear message on stderr and a non-zero exit, never a stack trace:
// 2 for bad input (manifest, arguments), 1 for everything else.
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

func exitCode(for error: Error) -> Int32 {
    switch error {
    case is ManifestError, is InputError, is ExperimentStoreError, is BuildError: return 2
    case let error as PyramidError:
        switch error {
        case .unknownLayer, .unsupportedGeometry, .correction: return 2
        case .invalidJob, .intermediate, .write: return 1
        }
    default: return 1
    }
}

/// A problem with what the user asked for, as opposed to a failure while doing it.
struct InputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
