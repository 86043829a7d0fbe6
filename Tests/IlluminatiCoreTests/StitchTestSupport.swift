import IlluminatiCore

/// Shared fixtures of the stitch tests, namespaced so they cannot clash with other test files.
enum StitchFixtures {
    /// Deterministic generator so jittered grids are the same on every run and platform.
    struct SplitMix64 {
        private var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// Uniform in [0, 1) from the top 53 bits.
        mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

        /// Uniform in [−limit, limit).
        mutating func symmetric(_ limit: Double) -> Double { (unit() * 2 - 1) * limit }

        /// Uniform in 0 ..< bound (bias is irrelevant for tests).
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

        /// Fisher–Yates written out, because stdlib `shuffled(using:)` may change between releases.
        mutating func shuffle<T>(_ items: [T]) -> [T] {
            var result = items
            guard result.count > 1 else { return result }
            for i in stride(from: result.count - 1, to: 0, by: -1) {
                result.swapAt(i, below(i + 1))
            }
            return result
        }
    }

    /// How a synthetic stage maps grid cells to positions.
    struct StageModel {
        var spacingY = 2160.0
        var spacingX = 2560.0
        var originY = -12_345.6
        var originX = 40_321.9
        /// Jitter on each axis as a fraction of that axis' spacing (uniform in ±fraction).
        var jitter = 0.1

        func position(of cell: GridIndex, using random: inout SplitMix64) -> StagePosition {
            StagePosition(y: originY + Double(cell.row) * spacingY + random.symmetric(jitter * spacingY),
                          x: originX + Double(cell.column) * spacingX + random.symmetric(jitter * spacingX))
        }
    }

    /// Every cell of a grid in row-major order.
    static func allCells(_ dimensions: GridDimensions) -> [GridIndex] {
        (0..<dimensions.rows).flatMap { row in (0..<dimensions.columns).map { GridIndex(row: row, column: $0) } }
    }

    /// A jittered, shuffled full grid: the positions and the cell each one truly belongs to.
    static func jitteredGrid(_ dimensions: GridDimensions, stage: StageModel = StageModel(),
                      seed: UInt64) -> (positions: [StagePosition], truth: [GridIndex]) {
        var random = SplitMix64(seed: seed)
        let cells = random.shuffle(allCells(dimensions))
        return (cells.map { stage.position(of: $0, using: &random) }, cells)
    }
}
