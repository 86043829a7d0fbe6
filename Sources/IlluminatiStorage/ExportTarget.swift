import Foundation

/// Where an export goes: a path the user named (used as given, links and all, its folder made
/// when missing), written under a hidden temporary name in the same folder and renamed to the
/// path once complete. The path holds a whole export or what it held before, never part of one.
final class ExportTarget {
    /// The path, absolute, for messages.
    let path: String
    /// The folder that holds the path and the temporary.
    let folder: StorageFolder
    let name: String
    let temporary: String
    let replacing: Bool

    /// Refuses a path that holds something unless `replacing` (what is there is only replaced by
    /// `publish`), and always one that is or holds the working folder or one of `protecting`
    /// (the storage), which replacing would remove.
    init(path: String, replacing: Bool, protecting: [String] = []) throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let name = (absolute as NSString).lastPathComponent
        guard absolute != "/", !name.isEmpty, name != ".", name != ".." else {
            throw ExportError.invalidOutput(path: path, reason: "it names no file or folder")
        }
        let parent = (absolute as NSString).deletingLastPathComponent
        let resolved = (URL(fileURLWithPath: parent).resolvingSymlinksInPath().path as NSString).appendingPathComponent(name)
        for kept in [FileManager.default.currentDirectoryPath] + protecting {
            let folder = URL(fileURLWithPath: kept).resolvingSymlinksInPath().path
            guard folder != resolved && !folder.hasPrefix(resolved + "/") else {
                throw ExportError.invalidOutput(path: absolute, reason: "it is or holds \(kept), which an export must not replace")
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw StorageError(path: parent, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        // Only a missing base makes `open` answer nil, and the base was just made.
        folder = try StorageFolder.open(base: parent, [], creating: false)!
        self.path = absolute
        self.name = name
        temporary = AtomicFile.temporaryName(for: name)
        self.replacing = replacing
        if !replacing && fileType(name) != nil { throw ExportError.outputExists(path: absolute) }
    }

    /// The temporary's path.
    var temporaryPath: String { folder.path + "/" + temporary }

    /// Renames the written temporary to the path. A file replaces what is there in one rename;
    /// a folder (or a file over a folder) moves it aside first and removes it afterwards, since
    /// a rename cannot replace a folder that holds files.
    func publish() throws {
        let existing = fileType(name)
        if existing != nil && !replacing {
            discard()
            throw ExportError.outputExists(path: path)
        }
        let aside = existing == S_IFDIR || (existing != nil && fileType(temporary) == S_IFDIR)
            ? AtomicFile.temporaryName(for: name) : nil
        if let aside, renameat(folder.descriptor, name, folder.descriptor, aside) != 0 {
            let failure = StorageError.system(path, "cannot move what is there aside")
            discard()
            throw failure
        }
        guard renameat(folder.descriptor, temporary, folder.descriptor, name) == 0 else {
            let failure = StorageError.system(path, "cannot move the export into place")
            if let aside { renameat(folder.descriptor, aside, folder.descriptor, name) }
            discard()
            throw failure
        }
        if let aside { try? FileManager.default.removeItem(atPath: folder.path + "/" + aside) }
    }

    /// Removes the temporary, file or folder, and what is in it.
    func discard() {
        guard fileType(temporary) != nil else { return }
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }

    /// The type (`S_IFDIR`, `S_IFREG`, `S_IFLNK`, …) of what `entry` of the folder is, not
    /// following a link; nil when there is nothing.
    private func fileType(_ entry: String) -> mode_t? {
        var status = stat()
        guard fstatat(folder.descriptor, entry, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return status.st_mode & S_IFMT
    }
}
