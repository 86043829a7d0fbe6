/// The shape of a rectangular grid: how many rows and columns it has.
///
/// Used for a well's site grid, the plate grid (TissueMAPS §1.2) and the tile grid of a
/// pyramid level (§2.1).
public struct GridDimensions: Hashable, Sendable, Codable, CustomStringConvertible {
    public var rows: Int
    public var columns: Int

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// Number of cells, `rows · columns`.
    public var count: Int { rows * columns }

    public var description: String { "\(rows)×\(columns)" }
}

/// A zero-based cell of a grid: `row` counts from the top, `column` from the left.
///
/// Ordered row-major, so sorting indices reads a grid like text.
public struct GridIndex: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var row: Int
    public var column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    public static func < (lhs: GridIndex, rhs: GridIndex) -> Bool {
        (lhs.row, lhs.column) < (rhs.row, rhs.column)
    }

    public var description: String { "(\(row), \(column))" }
}
