import IlluminatiCore
import Testing

/// `gridCoordinates(positions:)` and `stitchDimensions(positions:)`: the replacement for
/// TissueMAPS §5.5 (bug 14).
@Suite struct StitchPositionTests {
    typealias SplitMix64 = StitchFixtures.SplitMix64
    typealias StageModel = StitchFixtures.StageModel

    /// Positions exactly on a lattice, in row-major order.
    func lattice(_ rows: Int, _ columns: Int, spacing: Double = 1000) -> [StagePosition] {
        StitchFixtures.allCells(GridDimensions(rows: rows, columns: columns)).map {
            StagePosition(y: Double($0.row) * spacing, x: Double($0.column) * spacing)
        }
    }

    @Test func everyGridUpTo12x12IsRecoveredFromJitteredShuffledPositions() throws {
        for rows in 1...12 {
            for columns in 1...12 {
                let dimensions = GridDimensions(rows: rows, columns: columns)
                let seed = UInt64(rows * 100 + columns)
                // Alternate which axis has the larger spacing, and the units (µm vs mm).
                var stage = StageModel()
                if (rows + columns) % 2 == 1 { swap(&stage.spacingY, &stage.spacingX) }
                if rows % 3 == 0 {
                    stage.spacingY /= 1000; stage.spacingX /= 1000; stage.originY /= 1000; stage.originX /= 1000
                }
                let (positions, truth) = StitchFixtures.jitteredGrid(dimensions, stage: stage, seed: seed)
                let grid = try gridCoordinates(positions: positions)
                #expect(grid.dimensions == dimensions)
                #expect(grid.indices == truth, "\(dimensions) seed \(seed)")
                #expect(try stitchDimensions(positions: positions) == dimensions)
            }
        }
    }

    @Test func maximalJitterOnBothAxesStillResolves() throws {
        // Rows alternate −10 % / +10 % on y and columns on x: the worst case the contract allows.
        let dimensions = GridDimensions(rows: 5, columns: 4)
        let positions = StitchFixtures.allCells(dimensions).map { cell in
            StagePosition(y: Double(cell.row) * 2160 + (cell.column % 2 == 0 ? -216 : 216),
                          x: Double(cell.column) * 2560 + (cell.row % 2 == 0 ? 256 : -256))
        }
        let grid = try gridCoordinates(positions: positions)
        #expect(grid.dimensions == dimensions)
        #expect(grid.indices == StitchFixtures.allCells(dimensions))
    }

    /// TissueMAPS returned 2×8, 2×6 and 4×3 for these.
    @Test(arguments: [(4, 4), (3, 4), (6, 2)])
    func gridsTissueMAPSGotWrong(rows: Int, columns: Int) throws {
        let dimensions = GridDimensions(rows: rows, columns: columns)
        let exact = try gridCoordinates(positions: lattice(rows, columns))
        #expect(exact.dimensions == dimensions)
        #expect(exact.indices == StitchFixtures.allCells(dimensions))
        let (positions, truth) = StitchFixtures.jitteredGrid(dimensions, seed: 7)
        let jittered = try gridCoordinates(positions: positions)
        #expect(jittered.dimensions == dimensions)
        #expect(jittered.indices == truth)
    }

    /// TissueMAPS had no candidate split for a prime count.
    @Test(arguments: [2, 3, 5, 7, 11, 13])
    func primeCountsAsOneRowAndAsOneColumn(prime: Int) throws {
        for dimensions in [GridDimensions(rows: 1, columns: prime), GridDimensions(rows: prime, columns: 1)] {
            let exact = try gridCoordinates(positions: lattice(dimensions.rows, dimensions.columns))
            #expect(exact.dimensions == dimensions)
            #expect(exact.indices == StitchFixtures.allCells(dimensions))
            let (positions, truth) = StitchFixtures.jitteredGrid(dimensions, seed: UInt64(prime))
            let jittered = try gridCoordinates(positions: positions)
            #expect(jittered.dimensions == dimensions)
            #expect(jittered.indices == truth)
        }
    }

    @Test func singleSiteIsOneByOne() throws {
        let grid = try gridCoordinates(positions: [StagePosition(y: 17.5, x: -3)])
        #expect(grid == PositionGrid(dimensions: GridDimensions(rows: 1, columns: 1), indices: [GridIndex(row: 0, column: 0)]))
    }

    @Test func reverseFlagsNegateAnAxisBeforeNumbering() throws {
        // A stage whose y axis points up (CellVoyager) and whose x axis points left.
        let dimensions = GridDimensions(rows: 3, columns: 4)
        let cells = StitchFixtures.allCells(dimensions)
        var random = SplitMix64(seed: 99)
        let positions = cells.map {
            StagePosition(y: -Double($0.row) * 500 + random.symmetric(50), x: -Double($0.column) * 700 + random.symmetric(70))
        }
        let flipped = cells.map { GridIndex(row: 2 - $0.row, column: 3 - $0.column) }

        #expect(try gridCoordinates(positions: positions, reverseRows: true, reverseColumns: true).indices == cells)
        #expect(try gridCoordinates(positions: positions).indices == flipped)
        #expect(try gridCoordinates(positions: positions, reverseRows: true).indices
            == cells.map { GridIndex(row: $0.row, column: 3 - $0.column) })
        #expect(try gridCoordinates(positions: positions, reverseColumns: true).indices
            == cells.map { GridIndex(row: 2 - $0.row, column: $0.column) })
    }

    @Test func missingCellIsNotAGrid() {
        var positions = lattice(4, 4)
        positions.remove(at: 5)
        let error = #expect(throws: StitchError.self) { try gridCoordinates(positions: positions) }
        guard case .notAGrid(count: 15, _, _)? = error else {
            Issue.record("expected notAGrid for 15 positions, got \(String(describing: error))")
            return
        }
        #expect(error!.description.contains("15 stage positions do not form a grid"))
        #expect(throws: StitchError.self) { try stitchDimensions(positions: positions) }
    }

    @Test func missingCellInJitteredGridIsNotAGrid() {
        var (positions, _) = StitchFixtures.jitteredGrid(GridDimensions(rows: 3, columns: 5), seed: 3)
        positions.removeLast()
        #expect(throws: StitchError.self) { try gridCoordinates(positions: positions) }
    }

    @Test func randomScatterIsNotAGrid() {
        for seed in UInt64(1)...20 {
            var random = SplitMix64(seed: seed)
            let positions = (0..<12).map { _ in StagePosition(y: random.unit() * 10_000, x: random.unit() * 10_000) }
            let error = #expect(throws: StitchError.self, "seed \(seed)") { try gridCoordinates(positions: positions) }
            guard case .notAGrid(count: 12, _, _)? = error else {
                Issue.record("seed \(seed): expected notAGrid, got \(String(describing: error))")
                continue
            }
            #expect(error!.description.contains("do not form a grid"))
        }
    }

    @Test func jitterAboveHalfTheSpacingIsRejectedWithTheBestCandidate() {
        // Two rows 350 and 200 high, 450 apart: one per cell, but spread / spacing ≈ 0.78.
        let positions = [StagePosition(y: 0, x: 0), StagePosition(y: 350, x: 1000),
                         StagePosition(y: 800, x: 0), StagePosition(y: 1000, x: 1000)]
        let error = #expect(throws: StitchError.self) { try gridCoordinates(positions: positions) }
        guard case .notAGrid(count: 4, best: let best?, score: let score?)? = error else {
            Issue.record("expected notAGrid with a candidate, got \(String(describing: error))")
            return
        }
        #expect(best == GridDimensions(rows: 2, columns: 2))
        #expect(abs(score - 350.0 / 450.0) < 1e-12)
        #expect(error!.description.contains("best candidate 2×2 has spread/spacing 0.778 (at most 0.500 allowed)"))
    }

    @Test func duplicatePositionsAreReported() {
        var positions = lattice(3, 3)
        positions.append(positions[4])
        #expect(throws: StitchError.duplicatePosition(first: 4, second: 9)) { try gridCoordinates(positions: positions) }
        #expect(StitchError.duplicatePosition(first: 4, second: 9).description.contains("duplicate"))
    }

    @Test func emptyInputIsAnError() {
        #expect(throws: StitchError.noPositions) { try gridCoordinates(positions: []) }
        #expect(throws: StitchError.noPositions) { try stitchDimensions(positions: []) }
        #expect(StitchError.noPositions.description.contains("no stage positions"))
    }

    @Test func nonFiniteCoordinatesAreAnError() {
        let positions = [StagePosition(y: 0, x: 0), StagePosition(y: .nan, x: 1)]
        #expect(throws: StitchError.nonFinitePosition(index: 1)) { try gridCoordinates(positions: positions) }
        #expect(StitchError.nonFinitePosition(index: 1).description.contains("not a finite number"))
    }
}
