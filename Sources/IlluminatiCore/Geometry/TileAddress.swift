/// A tile of the DeepZoom pyramid.
public struct TileAddress: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var level: Int
    public var row: Int
    public var column: Int

    public init(level: Int, row: Int, column: Int) {
        self.level = level
        self.row = row
        self.column = column
    }

    /// Coarse levels first, then row-major.
    public static func < (a: TileAddress, b: TileAddress) -> Bool {
        (a.level, a.row, a.column) < (b.level, b.row, b.column)
    }

    public var description: String { "\(level)/\(column)_\(row)" }
}
