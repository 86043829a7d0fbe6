import ArgumentParser
import Foundation
import IlluminatiCoordinator
import IlluminatiDatabase

/// The shared storage root: tiles, intermediates and statistics of every experiment.
struct StorageOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Shared storage root (default: ILLUMINATI_STORAGE, else <state-dir>/storage).", valueName: "dir"))
    var storage: String?

    /// Absolute; not created (for commands that only remove what is there).
    func location(stateDir: String) -> String {
        let chosen = storage ?? ProcessInfo.processInfo.environment["ILLUMINATI_STORAGE"] ?? "\(stateDir)/storage"
        return URL(fileURLWithPath: chosen).standardizedFileURL.path
    }

    /// Absolute, created when missing: the default one inside the private state folder, a
    /// chosen one (shared storage) with the user's umask.
    func root(stateDir: String) throws -> String {
        let absolute = location(stateDir: stateDir)
        if storage == nil && ProcessInfo.processInfo.environment["ILLUMINATI_STORAGE"] == nil {
            try StateFolder.ensure(URL(fileURLWithPath: stateDir).standardizedFileURL.path)
            try StateFolder.ensurePrivate(absolute)
        }
        do {
            try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
        } catch {
            throw InputError("storage \(absolute) cannot be created: \(error.localizedDescription)")
        }
        guard access(absolute, W_OK) == 0 else { throw InputError("storage \(absolute) is not writable") }
        return absolute
    }
}
