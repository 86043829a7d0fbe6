import Foundation

/// A stored file read whole, with a version that changes whenever the file is replaced (its
/// device, inode, size and modification time), so a server can tag a response without hashing it.
public struct StoredFile: Sendable, Equatable {
    public var bytes: [UInt8]
    public var version: String

    public init(bytes: [UInt8], version: String) {
        self.bytes = bytes
        self.version = version
    }

    /// Largest file read: far above any tile, small enough that a wrong path cannot make a
    /// server read a huge file into memory.
    public static let maximumSize = 16 << 20

    /// Nil when there is no file at `path`. A link there is refused, not followed.
    static func read(_ path: String) throws -> StoredFile? {
        let file = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw StorageError.system(path, code == ELOOP ? "refused, it is a link" : "cannot open", code: code)
        }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0 else { throw StorageError.system(path, "cannot read") }
        guard status.st_mode & S_IFMT == S_IFREG else { throw StorageError(path: path, reason: "not a regular file") }
        guard status.st_size <= maximumSize else {
            throw StorageError(path: path, reason: "\(status.st_size) bytes, more than any stored file may have")
        }
        let size = Int(status.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        try bytes.withUnsafeMutableBytes { try readFully(file, $0, path: path) }
        return StoredFile(bytes: bytes, version: version(of: status))
    }

    /// A file's device, inode, size and modification time: a file replaced by a rename (as
    /// every stored file is) gets a new one.
    static func version(of status: stat) -> String {
        let modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        return "\(String(UInt64(status.st_dev), radix: 36))-\(String(UInt64(status.st_ino), radix: 36))-"
            + "\(String(Int(status.st_size), radix: 36))-\(String(modified, radix: 36))"
    }

    /// Whether a regular file (not a link) is at `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }
}

/// Fills `buffer` from an open file, retrying after signals.
private func readFully(_ file: Int32, _ buffer: UnsafeMutableRawBufferPointer, path: String) throws {
    var done = 0
    while done < buffer.count {
        let n = read(file, buffer.baseAddress! + done, buffer.count - done)
        if n < 0 && errno == EINTR { continue }
        if n < 0 { throw StorageError.system(path, "cannot read") }
        guard n > 0 else { throw StorageError(path: path, reason: "shorter than its size said while it was read") }
        done += n
    }
}
