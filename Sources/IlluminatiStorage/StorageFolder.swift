import Foundation

/// A folder of the storage, held open. It is reached from a base folder the user chose (the
/// storage root, or the output folder of `illuminati pyramid`, whose own path may go through
/// links) one name at a time with `O_NOFOLLOW`: a link found below the base, where illuminati
/// makes folders, is refused instead of followed, so no file is ever written through a link
/// that illuminati did not make. Folders it creates are private to the user (mode 0700).
///
/// Files are written and removed relative to the open folder, so a link planted after the
/// folder was opened is not followed either.
final class StorageFolder {
    let descriptor: Int32
    let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// The folder `base/names…`; nil when one of them is missing and `creating` is false.
    static func open(base: String, _ names: [String], creating: Bool) throws -> StorageFolder? {
        let descriptor = openFolder(base)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT && !creating { return nil }
            throw StorageError.system(base, "cannot open the folder", code: code)
        }
        var folder = StorageFolder(descriptor: descriptor, path: base)
        for name in names {
            guard let next = try folder.subfolder(name, creating: creating) else { return nil }
            folder = next
        }
        return folder
    }

    /// The folder `name` in this one, never through a link; nil when it is missing and
    /// `creating` is false. A folder made has `mode` (less the umask): private unless asked.
    func subfolder(_ name: String, creating: Bool, mode: mode_t = 0o700) throws -> StorageFolder? {
        let target = path + "/" + name
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else {
            throw StorageError(path: target, reason: "\"\(name)\" cannot name a folder of the storage")
        }
        var next = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if next < 0 && errno == ENOENT && creating {
            guard mkdirat(descriptor, name, mode) == 0 || errno == EEXIST else {
                throw StorageError.system(target, "cannot create the folder")
            }
            next = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        guard next >= 0 else {
            let code = errno
            if code == ENOENT && !creating { return nil }
            if code == ELOOP || code == ENOTDIR {
                throw StorageError(path: target, reason: "refused: it is a link or not a folder, where illuminati makes "
                                   + "folders itself; remove it (after checking who put it there)")
            }
            throw StorageError.system(target, "cannot open the folder", code: code)
        }
        return StorageFolder(descriptor: next, path: target)
    }

    /// Makes `name` appear in this folder whole (`AtomicFile`): `body` writes the temporary
    /// it is given the name of, which is then renamed to `name`, or removed when anything fails.
    func replace(_ name: String, _ body: (_ temporary: String) throws -> Void) throws {
        let temporary = AtomicFile.temporaryName(for: name)
        do {
            try body(temporary)
        } catch {
            unlinkat(descriptor, temporary, 0)
            throw error
        }
        try moveIntoPlace(temporary, as: name)
    }

    /// Renames a written temporary to its final name, replacing what was there; the temporary
    /// is removed when the rename fails.
    func moveIntoPlace(_ temporary: String, as name: String) throws {
        guard renameat(descriptor, temporary, descriptor, name) == 0 else {
            let failure = StorageError.system(path + "/" + name, "cannot move the written file into place")
            unlinkat(descriptor, temporary, 0)
            throw failure
        }
    }

    /// Writes `name` atomically through `body`, given the open temporary file.
    func writeAtomically(_ name: String, _ body: (_ file: Int32) throws -> Void) throws {
        let file = try PendingFile(name, in: self)
        try file.publish(after: { try body(file.descriptor) })
    }

    func writeAtomically(_ name: String, _ bytes: UnsafeRawBufferPointer) throws {
        try writeAtomically(name) { file in try writeFully(file, bytes, path: path + "/" + name) }
    }

    /// Writes a new file `name` in one go, where nothing is yet (a folder being filled under a
    /// temporary name, which readers do not see).
    func createFile(_ name: String, _ bytes: UnsafeRawBufferPointer) throws {
        let file = openat(descriptor, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw StorageError.system(path + "/" + name, "cannot create") }
        do {
            try writeFully(file, bytes, path: path + "/" + name)
        } catch {
            close(file)
            throw error
        }
        guard close(file) == 0 else { throw StorageError.system(path + "/" + name, "cannot write") }
    }

    /// Removes the file `name` when it is there.
    func removeFile(_ name: String) throws {
        guard unlinkat(descriptor, name, 0) == 0 || errno == ENOENT else {
            throw StorageError.system(path + "/" + name, "cannot remove")
        }
    }

    /// Removes the files `names` when they are there, and the temporaries that killed writers
    /// of them left (`AtomicFile.temporaryName`), listing the folder once.
    func removeFiles(_ names: Set<String>) throws {
        for name in names { try removeFile(name) }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        where AtomicFile.isTemporary(name) && AtomicFile.finalName(ofTemporary: name).map(names.contains) == true {
            try removeFile(name)
        }
    }

    /// Removes what writers killed between writing and renaming left in this folder.
    func removeTemporaries() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where AtomicFile.isTemporary(name) {
            unlinkat(descriptor, name, 0)
        }
    }

    /// The folders in this folder; links and files are left out.
    func subfolders() -> [StorageFolder] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().compactMap { name in
            (try? subfolder(name, creating: false)) ?? nil
        }
    }
}

/// The base folder, following links: its path is the user's choice.
private func openFolder(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
}
