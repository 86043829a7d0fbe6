import IlluminatiCore
import Testing

/// TissueMAPS §5.1 and §5.4 tables.
@Suite struct StitchTests {
    static let guessTable: [(count: Int, vertical: GridDimensions)] = [
        (1, .init(rows: 1, columns: 1)), (2, .init(rows: 2, columns: 1)), (3, .init(rows: 3, columns: 1)),
        (4, .init(rows: 2, columns: 2)), (5, .init(rows: 3, columns: 2)), (6, .init(rows: 3, columns: 2)),
        (7, .init(rows: 4, columns: 2)), (8, .init(rows: 4, columns: 2)), (9, .init(rows: 3, columns: 3)),
        (10, .init(rows: 5, columns: 2)), (22, .init(rows: 8, columns: 3)), (73, .init(rows: 15, columns: 5)),
    ]

    @Test(arguments: guessTable)
    func guessMatchesTissueMAPS(count: Int, vertical: GridDimensions) throws {
        #expect(try guessStitchDimensions(count) == vertical)
        #expect(try guessStitchDimensions(count, majorAxis: .vertical) == vertical)
        let horizontal = GridDimensions(rows: vertical.columns, columns: vertical.rows)
        #expect(try guessStitchDimensions(count, majorAxis: .horizontal) == horizontal)
    }

    @Test func guessAlwaysHoldsTheCountWithTheSmallestProductInRange() throws {
        for count in 1...500 {
            let d = try guessStitchDimensions(count)
            #expect(d.rows >= d.columns && d.count >= count, "count \(count) gave \(d)")
            let m = count < 4 ? 2 : Int(Double(count).squareRoot())
            let smallest = (1...2 * m).flatMap { a in (a...2 * m).map { a * $0 } }.filter { $0 >= count }.min()
            #expect(d.count == smallest, "count \(count) gave \(d)")
        }
    }

    @Test(arguments: [0, -1, Int.min])
    func guessRejectsCountsBelowOne(count: Int) {
        for axis in StitchAxis.allCases {
            #expect(throws: StitchError.invalidCount(count)) { try guessStitchDimensions(count, majorAxis: axis) }
        }
        let message = StitchError.invalidCount(count).description
        #expect(message.contains("\(count)") && message.contains("at least 1"))
    }

    static let layoutTable: [(GridDimensions, StitchLayout, [(Int, Int)])] = [
        (.init(rows: 2, columns: 3), .horizontal, [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]),
        (.init(rows: 2, columns: 3), .zigzagHorizontal, [(0, 0), (0, 1), (0, 2), (1, 2), (1, 1), (1, 0)]),
        (.init(rows: 2, columns: 3), .vertical, [(0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (1, 2)]),
        (.init(rows: 2, columns: 3), .zigzagVertical, [(0, 0), (1, 0), (1, 1), (0, 1), (0, 2), (1, 2)]),
        (.init(rows: 3, columns: 2), .horizontal, [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]),
        (.init(rows: 3, columns: 2), .zigzagHorizontal, [(0, 0), (0, 1), (1, 1), (1, 0), (2, 0), (2, 1)]),
        (.init(rows: 3, columns: 2), .vertical, [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1)]),
        (.init(rows: 3, columns: 2), .zigzagVertical, [(0, 0), (1, 0), (2, 0), (2, 1), (1, 1), (0, 1)]),
    ]

    @Test(arguments: layoutTable)
    func layoutCoordinatesMatchTissueMAPS(dimensions: GridDimensions, layout: StitchLayout, expected: [(Int, Int)]) {
        let cells = gridCoordinates(dimensions: dimensions, layout: layout)
        #expect(cells == expected.map { GridIndex(row: $0.0, column: $0.1) })
    }

    @Test func layoutCoordinatesVisitEveryCellOnce() {
        for rows in 1...7 {
            for columns in 1...7 {
                let dimensions = GridDimensions(rows: rows, columns: columns)
                for layout in StitchLayout.allCases {
                    let cells = gridCoordinates(dimensions: dimensions, layout: layout)
                    #expect(cells.sorted() == StitchFixtures.allCells(dimensions), "\(dimensions) \(layout)")
                    #expect(cells.first == GridIndex(row: 0, column: 0))
                }
            }
        }
        #expect(gridCoordinates(dimensions: .init(rows: 0, columns: 3), layout: .horizontal).isEmpty)
    }

    @Test func layoutRawValuesAreTissueMAPSNames() {
        #expect(StitchLayout.allCases.map(\.rawValue) == ["horizontal", "zigzag_horizontal", "vertical", "zigzag_vertical"])
        #expect(StitchLayout(rawValue: "zigzag_vertical") == .zigzagVertical)
    }

    @Test func gridIndexOrderIsRowMajor() {
        let cells = [GridIndex(row: 1, column: 0), GridIndex(row: 0, column: 2), GridIndex(row: 0, column: 1)]
        #expect(cells.sorted() == [GridIndex(row: 0, column: 1), GridIndex(row: 0, column: 2), GridIndex(row: 1, column: 0)])
    }
}
