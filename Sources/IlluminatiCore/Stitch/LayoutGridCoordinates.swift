/// The grid cell of each site in acquisition order for a known layout, as TissueMAPS'
/// `calc_grid_coordinates_from_layout` (§5.4).
///
/// The horizontal layouts walk row by row (the zigzag one reverses odd rows), the vertical
/// ones column by column (the zigzag one reverses odd columns). Dimensions without cells
/// give an empty list.
public func gridCoordinates(dimensions: GridDimensions, layout: StitchLayout) -> [GridIndex] {
    guard dimensions.rows > 0, dimensions.columns > 0 else { return [] }
    return (0..<dimensions.count).map { layout.cell(ofSite: $0, in: dimensions) }
}

extension StitchLayout {
    /// The cell of the site visited `site`-th (zero-based) in a grid of `dimensions`; computed
    /// directly so that a manifest's `site` column needs no list of the whole grid.
    ///
    /// Requires `0 ≤ site < dimensions.count`.
    public func cell(ofSite site: Int, in dimensions: GridDimensions) -> GridIndex {
        precondition(site >= 0 && site < dimensions.count, "site \(site) outside \(dimensions)")
        switch self {
        case .horizontal, .zigzagHorizontal:
            let row = site / dimensions.columns, step = site % dimensions.columns
            let reversed = self == .zigzagHorizontal && row % 2 == 1
            return GridIndex(row: row, column: reversed ? dimensions.columns - 1 - step : step)
        case .vertical, .zigzagVertical:
            let column = site / dimensions.rows, step = site % dimensions.rows
            let reversed = self == .zigzagVertical && column % 2 == 1
            return GridIndex(row: reversed ? dimensions.rows - 1 - step : step, column: column)
        }
    }
}
