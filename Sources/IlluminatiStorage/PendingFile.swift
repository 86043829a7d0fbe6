import Foundation

/// A file being written in a storage folder under a hidden temporary name (`AtomicFile`),
/// until it is published under its final name with one rename, or discarded. Readers see the
/// final name hold the previous file, or none, until then.
final class PendingFile {
    let descriptor: Int32
    private let folder: StorageFolder
    private let name: String
    private let temporary: String
    private var open = true

    /// The final path, for messages.
    var path: String { folder.path + "/" + name }

    init(_ name: String, in folder: StorageFolder) throws {
        self.folder = folder
        self.name = name
        temporary = AtomicFile.temporaryName(for: name)
        descriptor = openat(folder.descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StorageError.system(folder.path + "/" + name, "cannot create") }
    }

    /// A file neither published nor discarded (its writer failed on the way) goes.
    deinit { discard() }

    /// Closes the file and renames it to its final name, replacing what was there.
    func publish() throws {
        guard open else { throw StorageError(path: path, reason: "published after it was closed") }
        open = false
        guard close(descriptor) == 0 else {
            let failure = StorageError.system(path, "cannot write")
            unlinkat(folder.descriptor, temporary, 0)
            throw failure
        }
        try folder.moveIntoPlace(temporary, as: name)
    }

    /// Closes and removes the temporary; the final name keeps what it had.
    func discard() {
        guard open else { return }
        open = false
        close(descriptor)
        unlinkat(folder.descriptor, temporary, 0)
    }
}
