import Foundation

/// Where a layer's files live under the storage root:
///
///     ROOT/NAME.dzi                          DeepZoom descriptor
///     ROOT/NAME.json                         layer descriptor (`LayerDescriptor`)
///     ROOT/NAME_files/{level}/{col}_{row}.jpg  tiles; black tiles are not written
///     ROOT/NAME_files/blank.jpg              the shared black tile (tileSize², same quality)
///     ROOT/NAME_intermediate/{level}/{col}_{row}.fx16   lossless tiles between stages
public struct PyramidStorage: Hashable, Sendable, Codable {
    public var root: String

    public init(root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    public func dziPath(layer: String) -> String { "\(root)/\(layer).dzi" }
    public func descriptorPath(layer: String) -> String { "\(root)/\(layer).json" }
    public func tilesDirectory(layer: String) -> String { "\(root)/\(layer)_files" }
    public func levelDirectory(layer: String, level: Int) -> String { "\(tilesDirectory(layer: layer))/\(level)" }
    public func tilePath(layer: String, _ tile: TileAddress) -> String {
        "\(levelDirectory(layer: layer, level: tile.level))/\(tile.column)_\(tile.row).jpg"
    }
    /// The tile a server returns for any tile that was not written because it is black.
    public func blankTilePath(layer: String) -> String { "\(tilesDirectory(layer: layer))/\(Self.blankTileName)" }
    public static let blankTileName = "blank.jpg"

    public func intermediateDirectory(layer: String) -> String { "\(root)/\(layer)_intermediate" }
    public func intermediatePath(layer: String, _ tile: TileAddress) -> String {
        "\(intermediateDirectory(layer: layer))/\(tile.level)/\(tile.column)_\(tile.row).fx16"
    }
}

/// File writes that readers never see half-done: write a temporary file in the same folder,
/// then rename it over the final name.
enum FileOutput {
    /// Creates a folder and its parents; an existing folder is fine.
    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw PyramidError.write(path: path, reason: "cannot create folder: \(String(cString: strerror(errno)))") }
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else {
            throw PyramidError.write(path: path, reason: "cannot create folder: \(String(cString: strerror(ENOENT)))")
        }
        try makeDirectory(parent)
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw PyramidError.write(path: path, reason: "cannot create folder: \(String(cString: strerror(errno)))")
        }
    }

    /// The folder part of a path.
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(directory)/.\(name).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PyramidError.write(path: path, reason: "cannot create: \(String(cString: strerror(errno)))") }
        var written = 0
        while written < bytes.count {
            let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw PyramidError.write(path: path, reason: "cannot write: \(reason)")
            }
            written += n
        }
        guard close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw PyramidError.write(path: path, reason: "cannot write: \(reason)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw PyramidError.write(path: path, reason: "cannot move into place: \(reason)")
        }
    }

    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try writeAtomically($0, to: path) }
    }
}
