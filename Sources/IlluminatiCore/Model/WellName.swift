/// A well name as TissueMAPS writes it: one upper-case letter (the row) and two digits
/// (the column, from 01), e.g. `A01` → row 0, column 0. Valid on plates of up to 384 wells
/// (rows A–P, columns 01–24).
public struct WellName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let row: Int
    public let column: Int

    public static let maxRows = 16
    public static let maxColumns = 24

    public init?(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 3,
              let letter = scalars.first, letter.value >= 65, letter.value < 65 + UInt32(Self.maxRows),
              let tens = Int(String(scalars[1])), let ones = Int(String(scalars[2])),
              scalars[1].isASCII, scalars[2].isASCII
        else { return nil }
        let number = tens * 10 + ones
        guard number >= 1, number <= Self.maxColumns else { return nil }
        self.init(row: Int(letter.value) - 65, column: number - 1)
    }

    public init(row: Int, column: Int) {
        precondition(row >= 0 && row < Self.maxRows && column >= 0 && column < Self.maxColumns)
        self.row = row
        self.column = column
    }

    public var description: String {
        let letter = Character(Unicode.Scalar(UInt8(65 + row)))
        return "\(letter)\(column < 9 ? "0" : "")\(column + 1)"
    }

    public static func < (lhs: WellName, rhs: WellName) -> Bool {
        (lhs.row, lhs.column) < (rhs.row, rhs.column)
    }
}

/// Wells per plate. Geometry does not depend on it (empty rows and columns are collapsed);
/// it bounds which well names a plate can have.
public enum PlateFormat: Int, Sendable, CaseIterable {
    case slide = 1
    case wells96 = 96
    case wells384 = 384

    public var dimensions: (rows: Int, columns: Int) {
        switch self {
        case .slide: return (1, 1)
        case .wells96: return (8, 12)
        case .wells384: return (16, 24)
        }
    }

    /// The smallest multi-well format holding every well.
    public static func smallest(holding wells: [WellName]) -> PlateFormat {
        let fits96 = wells.allSatisfy { $0.row < 8 && $0.column < 12 }
        return fits96 ? .wells96 : .wells384
    }
}
