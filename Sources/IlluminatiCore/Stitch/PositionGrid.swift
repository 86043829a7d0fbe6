/// The site grid recovered from stage positions: its dimensions and the cell of every
/// position, in the order the positions were given.
public struct PositionGrid: Hashable, Sendable, Codable {
    public var dimensions: GridDimensions
    /// `indices[i]` is the cell of `positions[i]`.
    public var indices: [GridIndex]

    public init(dimensions: GridDimensions, indices: [GridIndex]) {
        self.dimensions = dimensions
        self.indices = indices
    }
}

/// The grid cell of every site from its stage position, replacing TissueMAPS'
/// `calc_grid_coordinates_from_positions` (§5.5), which picked wrong grids (4×4 → 2×8,
/// 3×4 → 2×6, 6×2 → 4×3) and failed for fewer than 4 or a prime number of sites (bug 14).
///
/// Takes one position per site, in any order and any units. Every factorisation R · C of
/// the count is tried (see `PositionClustering`); the grid that puts exactly one position
/// in every cell with the least jitter relative to the spacing wins, and it must keep the
/// jitter within half the spacing. Stage jitter up to ±10 % of the spacing on each axis is
/// tolerated, and the spacing may differ between the axes. Rows are numbered in increasing
/// y and columns in increasing x, after negating y for `reverseRows` (stages whose y axis
/// points up, like the CellVoyager's) and x for `reverseColumns`.
///
/// - Throws: `StitchError.noPositions` for no positions, `.nonFinitePosition`,
///   `.duplicatePosition` for two identical positions, and `.notAGrid` when the positions
///   are not one per cell of a full rectangular grid (a missing site, scatter).
public func gridCoordinates(positions: [StagePosition], reverseRows: Bool = false,
                            reverseColumns: Bool = false) throws -> PositionGrid {
    let (ys, xs) = try PositionClustering.coordinates(positions, reverseRows: reverseRows,
                                                      reverseColumns: reverseColumns)
    guard let best = PositionClustering.bestFit(ys: ys, xs: xs) else {
        throw StitchError.notAGrid(count: positions.count, best: nil, score: nil)
    }
    guard best.score <= PositionClustering.maximumScore else {
        throw StitchError.notAGrid(count: positions.count, best: best.dimensions, score: best.score)
    }
    return PositionGrid(dimensions: best.dimensions, indices: best.indices)
}

/// Rows × columns of the site grid the stage positions form; TissueMAPS'
/// `calc_stitch_dimensions` (§5.2) counted distinct coordinates, which any stage jitter
/// breaks, so this uses the same clustering as `gridCoordinates(positions:)`.
///
/// - Throws: as `gridCoordinates(positions:)`.
public func stitchDimensions(positions: [StagePosition]) throws -> GridDimensions {
    try gridCoordinates(positions: positions).dimensions
}
