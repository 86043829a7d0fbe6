/// A well of a 384-well plate (16 rows A–P × 24 columns), zero-based.
struct WellPosition: Hashable, Comparable, Sendable {
    static let plateRows = 16
    static let plateColumns = 24

    var row: Int
    var column: Int

    /// "A01", "P24".
    var name: String {
        String(UnicodeScalar(UInt8(65 + row))) + zeroPadded(column + 1, width: 2)
    }

    /// Parses "B03"; nil for anything else (including "B3" and "Q01").
    init?(name: String) {
        let scalars = Array(name.unicodeScalars)
        guard scalars.count == 3, let letter = scalars.first, ("A"..."P").contains(letter),
              let column = Int(String(String.UnicodeScalarView(scalars[1...]))),
              scalars[1...].allSatisfy({ ("0"..."9").contains($0) }),
              (1...Self.plateColumns).contains(column) else { return nil }
        self.row = Int(letter.value) - 65
        self.column = column - 1
    }

    init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    static func < (a: Self, b: Self) -> Bool { (a.row, a.column) < (b.row, b.column) }

    /// The wells a spec asks for, in plate order (row, then column).
    static func resolve(_ wells: SampleWells) throws -> [WellPosition] {
        switch wells {
        case .count(let n):
            return try block(of: n)
        case .names(let names):
            guard !names.isEmpty else { throw SamplePlateError("the well list is empty") }
            var seen = Set<WellPosition>()
            for name in names {
                guard let well = WellPosition(name: name) else {
                    throw SamplePlateError("bad well name \"\(name)\" (expected a row A–P and a column 01–24, like B03)")
                }
                guard seen.insert(well).inserted else { throw SamplePlateError("well \(name) is listed twice") }
            }
            return seen.sorted()
        }
    }

    /// A compact block from A01 so a small demo looks like a corner of a real plate.
    private static func block(of count: Int) throws -> [WellPosition] {
        guard count >= 1 else { throw SamplePlateError("well count must be at least 1, got \(count)") }
        var rows = 1
        while (rows + 1) * (rows + 1) <= count { rows += 1 }  // ⌊√count⌋ without floating point
        // Past 16 rows a square block cannot fit; wider blocks still can, up to 384 wells.
        rows = min(rows, plateRows)
        let columns = (count + rows - 1) / rows
        guard columns <= plateColumns else {
            throw SamplePlateError("\(count) wells do not fit a 384-well plate")
        }
        var wells: [WellPosition] = []
        for index in 0..<count { wells.append(WellPosition(row: index / columns, column: index % columns)) }
        return wells
    }
}
