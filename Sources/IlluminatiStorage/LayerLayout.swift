import IlluminatiCore

/// Where a layer's files lie, relative to its experiment's folder. Both formats
/// (`PyramidFormat`) share the descriptors and the intermediate tiles:
///
///     NAME.dzi                                     DeepZoom descriptor
///     NAME.json                                    layer descriptor
///     NAME_intermediate/{level}/{col}_{row}.fx16   lossless tiles between stages
///
/// Shards, what builds write (`ShardPyramidStore`):
///
///     NAME_shards/{level}-{col}_{row}.zip          one job's tiles, named after its job
///                                                  (`PyramidJob.outputName`): a stored ZIP
///                                                  with entries {level}/{col}_{row}.jpg
///     NAME_shards/blank.jpg                        the shared black tile
///
/// A plain DeepZoom folder (`FilePyramidStore`):
///
///     NAME_files/{level}/{col}_{row}.jpg           tiles
///     NAME_files/blank.jpg                         the shared black tile
///
/// Black tiles are written in neither. `illuminati pyramid --format szi` adds the layer's
/// static export, every tile included (`ExportArchive`):
///
///     NAME.szi
public struct LayerLayout: Hashable, Sendable {
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public var deepZoom: String { "\(name).dzi" }
    public var descriptor: String { "\(name).json" }

    // MARK: Plain DeepZoom

    public var tilesFolder: String { "\(name)_files" }
    public func levelFolder(_ level: Int) -> String { "\(tilesFolder)/\(level)" }
    public func tile(_ tile: TileAddress) -> String { "\(levelFolder(tile.level))/\(Self.tileName(tile, "jpg"))" }
    /// The tile a server returns for any tile that was not written because it is black.
    public var blankTile: String { blankTile(.dzi) }

    // MARK: Shards

    public var shardsFolder: String { "\(name)_shards" }

    /// The shard of the job whose output is named `job` (`PyramidJob.outputName`: slashes
    /// become dashes); nil for a name that could not be one file's (empty, hidden, or with
    /// characters other than letters, digits, `_`, `-`, `.` and `/`).
    public func shard(job: String) -> String? {
        guard !job.isEmpty, !job.hasPrefix("."), !job.hasPrefix("/"), job.utf8.allSatisfy({ c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x5F || c == 0x2D || c == 0x2E || c == 0x2F
        }) else { return nil }
        return "\(shardsFolder)/\(job.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "-")).\(Self.shardExtension)"
    }

    public static let shardExtension = "zip"

    /// A tile's entry in its shard: its path below a DeepZoom `NAME_files` folder.
    public static func shardEntry(_ tile: TileAddress) -> String { "\(tile.level)/\(tileName(tile, "jpg"))" }

    /// The tile of a shard entry's name; nil for any other name.
    public static func tile(shardEntry name: Substring) -> TileAddress? {
        guard name.hasSuffix(".jpg") else { return nil }
        let parts = name.dropLast(4).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let position = parts[1].split(separator: "_", omittingEmptySubsequences: false)
        guard position.count == 2, let level = number(parts[0]), let column = number(position[0]),
              let row = number(position[1]) else { return nil }
        return TileAddress(level: level, row: row, column: column)
    }

    /// Digits only, at most 9: what `tileName` writes.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    // MARK: Exports

    /// The `.szi` export of the layer that `illuminati pyramid --format szi` writes next to its
    /// other files (`ExportArchive` says what is inside).
    public var szi: String { "\(name).szi" }

    // MARK: Both

    /// The folder a format keeps the layer's tiles and blank tile in.
    public func tilesFolder(_ format: PyramidFormat) -> String {
        switch format {
        case .shards: shardsFolder
        case .dzi: tilesFolder
        }
    }

    public func blankTile(_ format: PyramidFormat) -> String { "\(tilesFolder(format))/blank.jpg" }

    public var intermediatesFolder: String { "\(name)_intermediate" }
    public func intermediateLevelFolder(_ level: Int) -> String { "\(intermediatesFolder)/\(level)" }
    public func intermediate(_ tile: TileAddress) -> String {
        "\(intermediateLevelFolder(tile.level))/\(Self.tileName(tile, "fx16"))"
    }

    /// The file a layer's finish publishes.
    public func path(of document: LayerDocument, _ format: PyramidFormat) -> String {
        switch document {
        case .deepZoom: deepZoom
        case .blankTile: blankTile(format)
        case .descriptor: descriptor
        }
    }

    /// Everything of the layer in any format, its `.szi` included, for removing it whole: a
    /// `.szi` left from an earlier build would no longer hold the layer's tiles.
    var everything: [String] {
        PyramidFormat.allCases.map(tilesFolder) + [intermediatesFolder, deepZoom, descriptor, szi]
    }

    static func tileName(_ tile: TileAddress, _ fileExtension: String) -> String {
        "\(tile.column)_\(tile.row).\(fileExtension)"
    }
}

/// The files of a layer besides its tiles, written once every tile exists.
public enum LayerDocument: Hashable, Sendable, CaseIterable {
    case deepZoom
    case blankTile
    case descriptor
}
