import Foundation

/// A file being written in a storage folder until it is published under its final name with
/// one rename, or discarded. Readers see the final name hold the previous file, or none, until
/// then.
///
/// Where the filesystem can (`O_TMPFILE`: ext4, xfs, btrfs, tmpfs), the file is created without
/// a name and linked under its hidden temporary name (`AtomicFile`) only when it is published.
/// Creating a named file holds the folder's lock while the filesystem allocates an inode, which
/// on ext4 with many recently deleted files is slow, and every other writer of the folder spins
/// on that lock; a nameless file is allocated without it. A writer killed before publishing
/// leaves nothing behind. Elsewhere (NFS, FUSE) the file is created under its temporary name.
final class PendingFile {
    let descriptor: Int32
    private let folder: StorageFolder
    private let name: String
    private let temporary: String
    private let isNameless: Bool
    private var open = true

    /// The final path, for messages.
    var path: String { folder.path + "/" + name }

    init(_ name: String, in folder: StorageFolder) throws {
        self.folder = folder
        self.name = name
        temporary = AtomicFile.temporaryName(for: name)
        let nameless = Self.canLinkNameless ? openat(folder.descriptor, ".", Self.openTemporaryFile | O_WRONLY | O_CLOEXEC, 0o644) : -1
        isNameless = nameless >= 0
        descriptor = isNameless
            ? nameless
            : openat(folder.descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StorageError.system(folder.path + "/" + name, "cannot create") }
    }

    /// `O_TMPFILE`, which Swift does not import (a macro made of macros).
    private static let openTemporaryFile: Int32 = 0o20000000 | O_DIRECTORY

    /// A nameless file is given a name through its `/proc/self/fd` entry (`linkat` with
    /// `AT_EMPTY_PATH` needs a capability that users lack); without /proc, files are named.
    private static let canLinkNameless = access("/proc/self/fd", X_OK) == 0

    /// A file neither published nor discarded (its writer failed on the way) goes.
    deinit { discard() }

    /// Closes the file and renames it to its final name, replacing what was there.
    func publish() throws {
        guard open else { throw StorageError(path: path, reason: "published after it was closed") }
        open = false
        if isNameless {
            guard linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", folder.descriptor, temporary, AT_SYMLINK_FOLLOW) == 0 else {
                let failure = StorageError.system(path, "cannot name the written file")
                close(descriptor)
                throw failure
            }
        }
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
        if !isNameless { unlinkat(folder.descriptor, temporary, 0) }
    }
}
