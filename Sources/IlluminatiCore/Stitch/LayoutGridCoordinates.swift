/// The grid cell of each site in acquisition order for a known layout, as TissueMAPS'
/// `calc_grid_coordinates_from_layout` (§5.4).
///
/// The horizontal layouts walk row by row (the zigzag one reverses odd rows), the vertical
/// ones column by column (the zigzag one reverses odd columns). Dimensions without cells
/// give an empty list.
public func gridCoordinates(dimensions: GridDimensions, layout: StitchLayout) -> [GridIndex] {
    guard dimensions.rows > 0, dimensions.columns > 0 else { return [] }
    var result: [GridIndex] = []
    result.reserveCapacity(dimensions.count)
    switch layout {
    case .horizontal, .zigzagHorizontal:
        for row in 0..<dimensions.rows {
            let reversed = layout == .zigzagHorizontal && row % 2 == 1
            for step in 0..<dimensions.columns {
                let column = reversed ? dimensions.columns - 1 - step : step
                result.append(GridIndex(row: row, column: column))
            }
        }
    case .vertical, .zigzagVertical:
        for column in 0..<dimensions.columns {
            let reversed = layout == .zigzagVertical && column % 2 == 1
            for step in 0..<dimensions.rows {
                let row = reversed ? dimensions.rows - 1 - step : step
                result.append(GridIndex(row: row, column: column))
            }
        }
    }
    return result
}
