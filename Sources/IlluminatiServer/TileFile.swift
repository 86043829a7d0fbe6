import Foundation
import NIOPosix

/// A stored file read whole, with an entity tag from its identity (device, inode, size,
/// modification time), so a rewritten tile gets a new tag without hashing every response.
struct TileFile: Sendable {
    var bytes: [UInt8]
    var etag: String

    /// Largest file served: far above any 256² JPEG, small enough that a wrong path cannot
    /// make the server read a huge file into memory.
    static let maximumSize = 16 << 20

    /// `load` on NIO's pool for blocking work: a read can block on a cold page cache or a
    /// network mount, and must not stall the threads that serve other requests.
    static func fetch(_ path: String) async throws -> TileFile? {
        try await NIOThreadPool.singleton.runIfActive { load(path) }
    }

    /// Nil when the file does not exist (or is not a regular file).
    static func load(_ path: String) -> TileFile? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= maximumSize else { return nil }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let etag = "\"\(String(UInt64(info.st_dev), radix: 36))-\(String(UInt64(info.st_ino), radix: 36))-\(String(size, radix: 36))-\(String(modified, radix: 36))\""
        return TileFile(bytes: bytes, etag: etag)
    }
}
