import IlluminatiCore

/// One unit of pyramid work, small enough to travel as a queue payload (JSON).
///
/// A job renders a block of tiles of one level and then, from memory, the same area at
/// `levels − 1` coarser levels (each halving the block). Its input is either the site
/// images (base level) or the lossless intermediate tiles one level finer that jobs of the
/// previous stage wrote. When `writesIntermediate` is set, the tiles of its coarsest level
/// also go to intermediate storage for the next stage.
public struct PyramidJob: Hashable, Sendable, Codable, CustomStringConvertible {
    public var layer: String
    /// Stages run in order; the jobs of one stage are independent of each other.
    public var stage: Int
    /// The tiles produced at the finest level of this job.
    public var block: TileBlock
    /// Number of levels produced: `block.level`, `block.level − 1`, … `coarsestLevel`.
    public var levels: Int
    /// Above the base: the tiles at `block.level + 1` whose intermediates exist. Children not
    /// listed cover no image and are black.
    public var inputs: [TileAddress]
    public var writesIntermediate: Bool

    public init(layer: String, stage: Int, block: TileBlock, levels: Int, inputs: [TileAddress], writesIntermediate: Bool) {
        self.layer = layer
        self.stage = stage
        self.block = block
        self.levels = levels
        self.inputs = inputs
        self.writesIntermediate = writesIntermediate
    }

    public var coarsestLevel: Int { block.level - levels + 1 }

    /// The block this job produces at its coarsest level.
    public var coarsestBlock: TileBlock { block.coarser(by: levels - 1) }

    /// What names the job's output in its layer's storage (`PyramidStore.openSink`): the first
    /// tile of its block, `{level}/{column}_{row}`. The jobs of a stage start at one level
    /// with blocks that do not overlap, and stages start at different levels.
    public var outputName: String {
        TileAddress(level: block.level, row: block.rows.lowerBound, column: block.columns.lowerBound).description
    }

    /// A short name for logs and errors.
    public var description: String {
        "\(layer) stage \(stage) level \(block.level) tiles \(block.rows.lowerBound)..<\(block.rows.upperBound) × \(block.columns.lowerBound)..<\(block.columns.upperBound)"
    }
}

/// Jobs that may run at the same time; a stage starts when the previous one has finished.
public struct PyramidStage: Hashable, Sendable, Codable {
    public var index: Int
    public var jobs: [PyramidJob]

    public init(index: Int, jobs: [PyramidJob]) {
        self.index = index
        self.jobs = jobs
    }
}

/// What a job did.
public struct PyramidJobResult: Hashable, Sendable, Codable {
    /// JPEG tiles written.
    public var tilesWritten = 0
    /// Tiles that were entirely black and therefore not written.
    public var blankTiles = 0
    /// Bytes of JPEG written.
    public var bytesWritten = 0
    public var intermediatesWritten = 0
    /// Site images decoded by this job (cache misses).
    public var imagesDecoded = 0

    public init() {}

    public mutating func add(_ other: PyramidJobResult) {
        tilesWritten += other.tilesWritten
        blankTiles += other.blankTiles
        bytesWritten += other.bytesWritten
        intermediatesWritten += other.intermediatesWritten
        imagesDecoded += other.imagesDecoded
    }
}
