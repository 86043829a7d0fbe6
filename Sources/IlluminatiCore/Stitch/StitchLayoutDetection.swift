/// The acquisition layout of a site grid from its stage positions in acquisition order,
/// replacing TissueMAPS' `calc_stitch_layout` (§5.3), which compared the wrong indices and
/// was only right for square grids (bug 14).
///
/// The positions are assigned to the cells of `dimensions` by the same jitter-tolerant
/// clustering as `gridCoordinates(positions:)` (with the same optional axis negation), and
/// the resulting sequence of cells is compared with each layout of
/// `gridCoordinates(dimensions:layout:)`. When several layouts give the same sequence —
/// every layout does for 1 × n, n × 1 and 1 × 1 grids — the first in the order
/// horizontal, zigzag horizontal, vertical, zigzag vertical is returned, so those grids
/// always report `.horizontal`.
///
/// - Throws: `StitchError.invalidDimensions`, `.noPositions`, `.countMismatch` when the
///   count differs from rows · columns, the errors of `gridCoordinates(positions:)`,
///   `.notAGrid` when the positions do not fit `dimensions`, and `.noMatchingLayout` when
///   they do but were visited in another order.
public func stitchLayout(dimensions: GridDimensions, positions: [StagePosition],
                         reverseRows: Bool = false, reverseColumns: Bool = false) throws -> StitchLayout {
    guard dimensions.rows >= 1, dimensions.columns >= 1 else {
        throw StitchError.invalidDimensions(dimensions)
    }
    guard !positions.isEmpty else { throw StitchError.noPositions }
    guard positions.count == dimensions.count else {
        throw StitchError.countMismatch(dimensions: dimensions, count: positions.count)
    }
    let (ys, xs) = try PositionClustering.coordinates(positions, reverseRows: reverseRows,
                                                      reverseColumns: reverseColumns)
    guard let fit = PositionClustering.fit(ys: ys, xs: xs, dimensions: dimensions) else {
        throw StitchError.notAGrid(count: positions.count, best: dimensions, score: nil)
    }
    guard fit.score <= PositionClustering.maximumScore else {
        throw StitchError.notAGrid(count: positions.count, best: dimensions, score: fit.score)
    }
    for layout in StitchLayout.allCases
    where gridCoordinates(dimensions: dimensions, layout: layout) == fit.indices {
        return layout
    }
    throw StitchError.noMatchingLayout(dimensions: dimensions)
}
