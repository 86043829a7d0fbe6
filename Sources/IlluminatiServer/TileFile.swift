import Foundation
import IlluminatiStorage
import NIOPosix

/// A stored file as a response body, with an entity tag from its version, so a rewritten tile
/// gets a new tag without hashing every response.
struct TileFile: Sendable {
    var bytes: [UInt8]
    var etag: String

    /// Reads on NIO's pool for blocking work: a read can block on a cold page cache or a
    /// network mount, and must not stall the threads that serve other requests. Nil when the
    /// file is not there or cannot be read (a tile is then answered as black).
    static func fetch(_ read: @escaping @Sendable () throws -> StoredFile?) async throws -> TileFile? {
        try await NIOThreadPool.singleton.runIfActive {
            guard let stored = (try? read()) ?? nil else { return nil }
            return TileFile(bytes: stored.bytes, etag: "\"\(stored.version)\"")
        }
    }
}
