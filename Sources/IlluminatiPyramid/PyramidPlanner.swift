import IlluminatiCore

/// Splits a layer's pyramid into stages of independent jobs.
///
/// Jobs are square blocks of `side` × `side` tiles, `side` the largest power of two with
/// side² ≤ batchSize, aligned to multiples of `side`. A block at level ℓ halves to exactly one
/// tile at level ℓ − log2(side), so each job renders log2(side) + 1 levels from memory and
/// leaves one intermediate tile for the next stage, whose jobs start one level coarser.
/// Stage 0 starts at the base. As soon as one block covers a whole level, that single job
/// renders every remaining level down to DeepZoom level 0 (1×1).
///
/// Blocks that no content rectangle touches (spacers, missing wells) get no job: their
/// tiles are black, so nothing would be written.
import IlluminatiCore

public enum PyramidPlanner {
    /// The block side for a batch size (at least 1).
    public static func blockSide(batchSize: Int) -> Int {
        var side = 1
        while (side * 2) * (side * 2) <= batchSize { side *= 2 }
        return side
    }

    /// `plan(layout:…)` for a TissueMAPS pyramid geometry.
    /// - Throws: `PyramidError.unsupportedGeometry` when the geometry has no DeepZoom form.
    public static func plan(geometry: PyramidGeometry, batchSize: Int, content: [PixelRect], layer: String) throws -> [PyramidStage] {
        plan(layout: try PyramidLayout(geometry: geometry), batchSize: batchSize, content: content, layer: layer)
    }

    /// - Parameters:
    ///   - content: base-level rectangles holding image data (the layer's sites).
    /// - Returns: stages in processing order; stage k only reads what stages < k wrote.
    public static func plan(layout: PyramidLayout, batchSize: Int, content: [PixelRect], layer: String) -> [PyramidStage] {
        let side = blockSide(batchSize: batchSize)
        let exponent = side.trailingZeroBitCount
        let blockPixels = side * layout.tileSize
        let base = layout.size(level: layout.maxLevel)
        let basePixels = PixelRect(y: 0, x: 0, height: base.height, width: base.width)

        // Occupied blocks of the base level, as block-grid cells.
        var occupied = Set<GridCell>()
        for rect in content {
            guard rect.intersects(basePixels) else { continue }
            let y0 = max(rect.y, 0), x0 = max(rect.x, 0)
            let y1 = min(rect.y + rect.height, base.height), x1 = min(rect.x + rect.width, base.width)
            for row in (y0 / blockPixels)...((y1 - 1) / blockPixels) {
                for column in (x0 / blockPixels)...((x1 - 1) / blockPixels) { occupied.insert(GridCell(row: row, column: column)) }
            }
        }

        var stages: [PyramidStage] = []
        var level = layout.maxLevel
        // Tiles one level finer than `level` that hold data (the previous stage's outputs).
        var childTiles: [TileAddress] = []
        while true {
            let grid = layout.tiles(level: level)
            let stage = stages.count
            let inputs: (TileBlock) -> [TileAddress] = { block in
                guard stage > 0 else { return [] }
                let rows = (2 * block.rows.lowerBound)..<(2 * block.rows.upperBound)
                let columns = (2 * block.columns.lowerBound)..<(2 * block.columns.upperBound)
                return childTiles.filter { rows.contains($0.row) && columns.contains($0.column) }
            }
            if grid.rows <= side && grid.columns <= side {
                // One job holds the whole level: it renders everything down to 1×1.
                let block = TileBlock(level: level, rows: 0..<grid.rows, columns: 0..<grid.columns)
                let job = PyramidJob(layer: layer, stage: stage, block: block, levels: level + 1,
                                     inputs: inputs(block), writesIntermediate: false)
                stages.append(PyramidStage(index: stage, jobs: occupied.isEmpty ? [] : [job]))
                return stages
            }
            // Here the level spans more than one block, so level ≥ exponent + 1 and the
            // coarsest level of each job stays ≥ 1.
            let levels = exponent + 1
            var jobs: [PyramidJob] = []
            var produced: [TileAddress] = []
            for cell in occupied.sorted() {
                let block = TileBlock(level: level,
                                      rows: (cell.row * side)..<min((cell.row + 1) * side, grid.rows),
                                      columns: (cell.column * side)..<min((cell.column + 1) * side, grid.columns))
                jobs.append(PyramidJob(layer: layer, stage: stage, block: block, levels: levels,
                                       inputs: inputs(block), writesIntermediate: true))
                produced.append(TileAddress(level: level - exponent, row: cell.row, column: cell.column))
            }
            stages.append(PyramidStage(index: stage, jobs: jobs))
            childTiles = produced
            level -= exponent + 1
            // The next stage's blocks: each holds the children of `side` × `side` tiles.
            occupied = Set(produced.map { GridCell(row: $0.row / (2 * side), column: $0.column / (2 * side)) })
        }
    }

    private struct GridCell: Hashable, Comparable {
        var row: Int
        var column: Int
        static func < (a: GridCell, b: GridCell) -> Bool { (a.row, a.column) < (b.row, b.column) }
    }
}
