import IlluminatiCore

/// Where a layer's files lie, relative to its experiment's folder:
///
///     NAME.dzi                                  DeepZoom descriptor
///     NAME.json                                 layer descriptor
///     NAME_files/{level}/{col}_{row}.jpg        tiles; black tiles are not written
///     NAME_files/blank.jpg                      the shared black tile
///     NAME_intermediate/{level}/{col}_{row}.fx16   lossless tiles between stages
public struct LayerLayout: Hashable, Sendable {
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public var deepZoom: String { "\(name).dzi" }
    public var descriptor: String { "\(name).json" }
    public var tilesFolder: String { "\(name)_files" }
    public func levelFolder(_ level: Int) -> String { "\(tilesFolder)/\(level)" }
    public func tile(_ tile: TileAddress) -> String { "\(levelFolder(tile.level))/\(Self.tileName(tile, "jpg"))" }
    /// The tile a server returns for any tile that was not written because it is black.
    public var blankTile: String { "\(tilesFolder)/blank.jpg" }

    public var intermediatesFolder: String { "\(name)_intermediate" }
    public func intermediateLevelFolder(_ level: Int) -> String { "\(intermediatesFolder)/\(level)" }
    public func intermediate(_ tile: TileAddress) -> String {
        "\(intermediateLevelFolder(tile.level))/\(Self.tileName(tile, "fx16"))"
    }

    /// The file a layer's finish publishes.
    public func path(of document: LayerDocument) -> String {
        switch document {
        case .deepZoom: deepZoom
        case .blankTile: blankTile
        case .descriptor: descriptor
        }
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
