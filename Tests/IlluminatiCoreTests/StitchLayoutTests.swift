import IlluminatiCore
import Testing

/// `stitchLayout(dimensions:positions:)`: the replacement for TissueMAPS §5.3 (bug 14).
@Suite struct StitchLayoutTests {
    typealias SplitMix64 = StitchFixtures.SplitMix64
    typealias StageModel = StitchFixtures.StageModel

    /// Stage positions in acquisition order for a layout, jittered by ±10 % of the spacing.
    func acquisition(_ dimensions: GridDimensions, _ layout: StitchLayout, seed: UInt64,
                     stage: StageModel = StageModel()) -> [StagePosition] {
        var random = SplitMix64(seed: seed)
        return gridCoordinates(dimensions: dimensions, layout: layout).map { stage.position(of: $0, using: &random) }
    }

    @Test func everyLayoutOfEveryGridUpTo6x6IsRecognised() throws {
        for rows in 1...6 {
            for columns in 1...6 {
                let dimensions = GridDimensions(rows: rows, columns: columns)
                for (number, layout) in StitchLayout.allCases.enumerated() {
                    let seed = UInt64(rows * 1000 + columns * 10 + number)
                    let found = try stitchLayout(dimensions: dimensions, positions: acquisition(dimensions, layout, seed: seed))
                    if rows == 1 || columns == 1 {
                        // All four layouts visit a single row or column the same way; the
                        // documented choice is horizontal.
                        #expect(found == .horizontal, "\(dimensions) \(layout)")
                        #expect(gridCoordinates(dimensions: dimensions, layout: found)
                            == gridCoordinates(dimensions: dimensions, layout: layout))
                    } else {
                        #expect(found == layout, "\(dimensions) \(layout)")
                    }
                }
            }
        }
    }

    /// The cases TissueMAPS §5.3 got wrong, without jitter as in its re-simulation.
    @Test(arguments: [(2, 3), (3, 2), (2, 4)])
    func nonSquareGridsTissueMAPSMisread(rows: Int, columns: Int) throws {
        let dimensions = GridDimensions(rows: rows, columns: columns)
        for layout in StitchLayout.allCases {
            let positions = gridCoordinates(dimensions: dimensions, layout: layout).map {
                StagePosition(y: Double($0.row) * 100, x: Double($0.column) * 100)
            }
            #expect(try stitchLayout(dimensions: dimensions, positions: positions) == layout)
        }
    }

    @Test func reversedStageAxes() throws {
        let dimensions = GridDimensions(rows: 3, columns: 4)
        var stage = StageModel()
        stage.spacingY = -stage.spacingY
        let positions = acquisition(dimensions, .zigzagVertical, seed: 5, stage: stage)
        #expect(try stitchLayout(dimensions: dimensions, positions: positions, reverseRows: true) == .zigzagVertical)
        // Read with y growing downwards the same walk starts at the bottom-left: no layout.
        #expect(throws: StitchError.noMatchingLayout(dimensions: dimensions)) {
            try stitchLayout(dimensions: dimensions, positions: positions)
        }
    }

    @Test func orderFollowingNoLayoutIsAnError() {
        let dimensions = GridDimensions(rows: 2, columns: 2)
        let positions = [StagePosition(y: 0, x: 0), StagePosition(y: 1, x: 1), StagePosition(y: 0, x: 1), StagePosition(y: 1, x: 0)]
        #expect(throws: StitchError.noMatchingLayout(dimensions: dimensions)) {
            try stitchLayout(dimensions: dimensions, positions: positions)
        }
        #expect(StitchError.noMatchingLayout(dimensions: dimensions).description.contains("matches none of the layouts"))
    }

    @Test func positionsThatDoNotFitTheDimensions() {
        let square = GridDimensions(rows: 2, columns: 2)
        let row = acquisition(GridDimensions(rows: 1, columns: 4), .horizontal, seed: 1)
        let error = #expect(throws: StitchError.self) { try stitchLayout(dimensions: square, positions: row) }
        guard case .notAGrid(count: 4, best: square, _)? = error else {
            Issue.record("expected notAGrid for 2×2, got \(String(describing: error))")
            return
        }
    }

    @Test func countMismatchAndInvalidInput() {
        let dimensions = GridDimensions(rows: 2, columns: 3)
        let positions = acquisition(GridDimensions(rows: 2, columns: 2), .horizontal, seed: 2)
        #expect(throws: StitchError.countMismatch(dimensions: dimensions, count: 4)) {
            try stitchLayout(dimensions: dimensions, positions: positions)
        }
        #expect(StitchError.countMismatch(dimensions: dimensions, count: 4).description == "grid 2×3 has 6 cells but 4 stage positions were given")
        #expect(throws: StitchError.invalidDimensions(GridDimensions(rows: 0, columns: 3))) {
            try stitchLayout(dimensions: GridDimensions(rows: 0, columns: 3), positions: positions)
        }
        #expect(throws: StitchError.noPositions) { try stitchLayout(dimensions: dimensions, positions: []) }
    }
}
