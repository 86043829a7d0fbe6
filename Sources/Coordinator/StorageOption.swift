import ArgumentParser
import Foundation
import IlluminatiCoordinator
import IlluminatiPostgres
import IlluminatiStorage

/// The shared storage root: tiles, intermediates and statistics of every experiment.
struct StorageOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Shared storage root (default: \(StorageRoot.environmentVariable), else <state-dir>/storage).", valueName: "dir"))
    var storage: String?

    /// Not created (for commands that only remove what is there).
    func location(stateDir: String) throws -> StorageRoot {
        guard let root = StorageRoot(option: storage, stateDirectory: stateDir) else {
            throw InputError("the storage is an empty name: give --storage or \(StorageRoot.environmentVariable) a folder")
        }
        return root
    }

    /// Created when missing: the default one inside the private state folder, a chosen one
    /// (shared storage) with the user's umask.
    func root(stateDir: String) throws -> StorageRoot {
        let root = try location(stateDir: stateDir)
        if root.isDefault { try StateFolder.ensure(URL(fileURLWithPath: stateDir).standardizedFileURL.path) }
        do {
            try root.create()
        } catch let error as StorageError {
            throw InputError(error.description)
        }
        return root
    }
}
