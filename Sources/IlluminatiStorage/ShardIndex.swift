import Foundation
import IlluminatiCore

/// Where each output tile of a layer lies among its shards: read once from the shards'
/// central directories (one open, two reads each), then every tile is one `open` and one
/// `preadv` of its local header and bytes, with no search.
///
/// The local header read with the bytes must be the one the directory described, so a shard
/// replaced since it was indexed (a layer rebuilt under a running server) is an error, never
/// another tile's bytes. A shard that cannot be read is left out, and kept as the answer for
/// any tile the index lacks (it may be that shard's): one damaged file does not take the
/// rest of the layer with it.
final class ShardIndex: Sendable {
    struct Shard: Sendable {
        var path: String
        /// `StoredFile.version` of the shard when it was indexed.
        var version: String
    }

    /// 16 bytes a tile: a layer's index stays small next to its tiles.
    struct Location: Sendable {
        var shard: UInt32
        var crc32: UInt32
        var size: UInt32
        var headerOffset: UInt32
    }

    let shards: [Shard]
    private let tiles: [TileAddress: Location]
    /// Why the shards left out could not be read.
    let damaged: [StorageError]

    /// Indexes the shards in `folder` (`LayerLayout.shardsFolder`); none when it is missing.
    /// Entries that are not tiles are left out; a tile in two shards is taken from the one
    /// whose name sorts last.
    init(folder: String) throws {
        let names = try Self.names(in: folder)
        var shards: [Shard] = []
        var tiles: [TileAddress: Location] = [:]
        var damaged: [StorageError] = []
        for name in names.sorted() where name.hasSuffix("." + LayerLayout.shardExtension) && !AtomicFile.isTemporary(name) {
            let path = folder + "/" + name
            let version: String, entries: [ZipFormat.Entry]
            do {
                (version, entries) = try Self.directory(path)
            } catch let error as StorageError {
                damaged.append(error)
                continue
            }
            for entry in entries {
                guard let tile = LayerLayout.tile(shardEntry: entry.name[...]) else { continue }
                tiles[tile] = Location(shard: UInt32(shards.count), crc32: entry.crc32, size: UInt32(entry.size),
                                       headerOffset: UInt32(entry.headerOffset))
            }
            shards.append(Shard(path: path, version: version))
        }
        self.shards = shards
        self.tiles = tiles
        self.damaged = damaged
    }

    var tileCount: Int { tiles.count }

    func contains(_ tile: TileAddress) -> Bool { tiles[tile] != nil }

    /// The tile's bytes; nil when no shard holds it (it is black), an error when a shard
    /// that might hold it could not be read. Its version is its shard's and its place in it.
    func read(_ tile: TileAddress) throws -> StoredFile? {
        guard let location = tiles[tile] else {
            if let failure = damaged.first { throw failure }
            return nil
        }
        let shard = shards[Int(location.shard)]
        let entry = ZipFormat.Entry(name: LayerLayout.shardEntry(tile), crc32: location.crc32, size: Int(location.size),
                                    headerOffset: Int(location.headerOffset))
        guard entry.size <= StoredFile.maximumSize else {
            throw StorageError(path: shard.path, reason: "\(entry.name) is \(entry.size) bytes, more than any tile may have")
        }
        let file = try Self.openShard(shard.path)
        defer { close(file) }
        var header = [UInt8](repeating: 0, count: ZipFormat.localHeaderSize + entry.name.utf8.count)
        let bytes = try [UInt8](unsafeUninitializedCapacity: entry.size) { data, count in
            try header.withUnsafeMutableBytes { header in
                try Self.fill(file,  [header, UnsafeMutableRawBufferPointer(data)], at: entry.headerOffset, path: shard.path)
            }
            count = entry.size
        }
        guard header.withUnsafeBytes({ ZipFormat.localHeader($0, matches: entry) }) else {
            throw StorageError(path: shard.path, reason: "changed since it was indexed: \(entry.name) is not where its directory said")
        }
        return StoredFile(bytes: bytes, version: shard.version + "-" + String(entry.headerOffset, radix: 36))
    }

    /// The shard's version and the entries of its central directory.
    static func directory(_ path: String) throws -> (version: String, entries: [ZipFormat.Entry]) {
        let file = try openShard(path)
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0 else { throw StorageError.system(path, "cannot read") }
        let size = Int(status.st_size)
        do {
            let tail = try readBytes(file, count: min(size, ZipFormat.endSize + 0xFFFF), at: size - min(size, ZipFormat.endSize + 0xFFFF),
                                     path: path)
            let extent = try tail.withUnsafeBytes { try ZipFormat.directoryExtent(tail: $0) }
            guard extent.offset + extent.size <= size else { throw ZipFormatError("its central directory lies past its end") }
            let directory = try readBytes(file, count: extent.size, at: extent.offset, path: path)
            let entries = try directory.withUnsafeBytes { try ZipFormat.entries(directory: $0, count: extent.entries) }
            return (StoredFile.version(of: status), entries)
        } catch let error as ZipFormatError {
            throw StorageError(path: path, reason: "not a tile shard: \(error.reason)")
        }
    }

    /// The names in a folder; none when it is missing.
    private static func names(in folder: String) throws -> [String] {
        guard let stream = opendir(folder) else {
            if errno == ENOENT { return [] }
            throw StorageError.system(folder, "cannot list the shards")
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Opens a shard for reading; a link in its place is refused, not followed.
    private static func openShard(_ path: String) throws -> Int32 {
        let file = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else {
            throw StorageError.system(path, errno == ELOOP ? "refused, it is a link" : "cannot open")
        }
        return file
    }

    private static func readBytes(_ file: Int32, count: Int, at offset: Int, path: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { try fill(file, [$0], at: offset, path: path) }
        return bytes
    }

    /// Fills `buffers`, in order, from `offset` on, retrying after signals and short reads.
    private static func fill(_ file: Int32, _ buffers: [UnsafeMutableRawBufferPointer], at offset: Int, path: String) throws {
        var vectors = buffers.map { iovec(iov_base: $0.baseAddress, iov_len: $0.count) }
        var position = offset
        var first = 0
        while first < vectors.count {
            if vectors[first].iov_len == 0 {
                first += 1
                continue
            }
            let n = vectors[first...].withContiguousStorageIfAvailable { remaining in
                preadv(file, remaining.baseAddress, Int32(remaining.count), off_t(position))
            } ?? -1
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw StorageError.system(path, "cannot read") }
            guard n > 0 else { throw StorageError(path: path, reason: "shorter than its directory says") }
            position += n
            var left = n
            while left > 0 {
                let take = min(left, vectors[first].iov_len)
                vectors[first].iov_base = vectors[first].iov_base.map { $0 + take }
                vectors[first].iov_len -= take
                left -= take
                if vectors[first].iov_len == 0 { first += 1 }
            }
        }
    }
}
