import ArgumentParser
import Foundation
import IlluminatiDatabase

/// The shared storage root: tiles, intermediates and statistics of every experiment.
struct StorageOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Shared storage root (default: ILLUMINATI_STORAGE, else <state-dir>/storage).", valueName: "dir"))
    var storage: String?

    /// Absolute, created when missing: the default one inside the private state folder, a
    /// chosen one (shared storage) with the user's umask.
    func root(stateDir: String) throws -> String {
        let chosen = storage ?? ProcessInfo.processInfo.environment["ILLUMINATI_STORAGE"]
        let absolute = URL(fileURLWithPath: chosen ?? "\(stateDir)/storage").standardizedFileURL.path
        if chosen == nil { try StateFolder.ensure(URL(fileURLWithPath: stateDir).standardizedFileURL.path) }
        do {
            try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
        } catch {
            throw InputError("storage \(absolute) cannot be created: \(error.localizedDescription)")
        }
        guard access(absolute, W_OK) == 0 else { throw InputError("storage \(absolute) is not writable") }
        return absolute
    }
}
