import Foundation

/// The tiles in a build's shards, read without the code under test: a stored ZIP walked from
/// its first local header to its central directory, as a streaming reader would, and checked
/// against the directory's count.
public enum ShardContents {
    public struct Damaged: Error, CustomStringConvertible {
        public var description: String
    }

    /// The entries of a stored ZIP, in order, with their bytes.
    public static func entries(_ zip: Data) throws -> [(name: String, bytes: Data)] {
        let bytes = [UInt8](zip)
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        var entries: [(name: String, bytes: Data)] = []
        var at = 0
        while at + 4 <= bytes.count && u32(at) == 0x0403_4B50 {
            guard u16(at + 8) == 0 else { throw Damaged(description: "entry \(entries.count) is compressed") }
            let size = u32(at + 18), nameLength = u16(at + 26), extraLength = u16(at + 28)
            let name = String(decoding: bytes[(at + 30)..<(at + 30 + nameLength)], as: UTF8.self)
            let start = at + 30 + nameLength + extraLength
            entries.append((name, Data(bytes[start..<(start + size)])))
            at = start + size
        }
        guard bytes.count >= 22, u32(bytes.count - 22) == 0x0605_4B50, u16(bytes.count - 12) == entries.count,
              u32(bytes.count - 6) == at else {
            throw Damaged(description: "the end record does not list the \(entries.count) entries before it")
        }
        return entries
    }

    /// `files` (relative path to bytes, as read from an output folder) with every shard
    /// `LAYER_shards/*.zip` replaced by its entries, as `LAYER_shards/{level}/{col}_{row}.jpg`:
    /// what the tiles are, whichever job's shard holds them.
    public static func expanding(_ files: [String: Data]) throws -> [String: Data] {
        var expanded: [String: Data] = [:]
        for (path, bytes) in files {
            let folder = (path as NSString).deletingLastPathComponent
            guard folder.hasSuffix("_shards"), path.hasSuffix(".zip") else {
                expanded[path] = bytes
                continue
            }
            for entry in try entries(bytes) {
                let key = folder + "/" + entry.name
                guard expanded.updateValue(entry.bytes, forKey: key) == nil else {
                    throw Damaged(description: "\(key) is in two shards")
                }
            }
        }
        return expanded
    }
}
