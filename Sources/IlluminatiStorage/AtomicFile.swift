import Foundation

/// Files that readers never see half-done: written under a hidden temporary name in the same
/// folder, then renamed over the final name. Nothing is synced to disk: a crash may lose a
/// file that was renamed into place, never leave a partial one under its final name.
///
/// A writer killed between the two steps leaves its temporary behind; `isTemporary` tells
/// those names apart, for the sweep that removes them (`StorageFolder.removeTemporaries`).
public enum AtomicFile {
    /// Writes through `body`, given the temporary path to create, then renames that file to
    /// `path`. The temporary is removed when `body` throws or the rename fails.
    public static func write(to path: String, _ body: (_ temporaryPath: String) throws -> Void) throws {
        let slash = path.lastIndex(of: "/")
        let base = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard let folder = try StorageFolder.open(base: base, [], creating: false) else {
            throw StorageError(path: path, reason: "the folder \(base) does not exist")
        }
        try folder.replace(name) { temporary in try body((base == "/" ? "" : base) + "/" + temporary) }
    }

    /// Hidden, and unique per process and call, so parallel writers never share a temporary.
    static func temporaryName(for name: String) -> String {
        ".\(name).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
    }

    /// The name a temporary was made for (`.NAME.PID.RANDOM.tmp` → `NAME`); nil for other names.
    static func finalName(ofTemporary name: String) -> String? {
        guard isTemporary(name) else { return nil }
        let parts = name.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        return parts.dropLast(2).joined(separator: ".")
    }

    /// Whether `name` is what `temporaryName` makes.
    public static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") && name.hasSuffix(".tmp")
    }
}

/// Writes every byte to an open file, retrying after signals.
func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
    var written = 0
    while written < bytes.count {
        let n = write(descriptor, bytes.baseAddress! + written, bytes.count - written)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw StorageError.system(path, "cannot write") }
        written += n
    }
}
