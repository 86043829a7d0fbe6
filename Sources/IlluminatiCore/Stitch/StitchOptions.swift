/// How a manifest's sites get their grid cells when it does not give `site_y`/`site_x`
/// (TissueMAPS' metaconfig arguments `stitch_layout`, `n_vertical`/`n_horizontal` and the
/// CellVoyager handler's reversed stage axis).
///
/// * A `site` column (acquisition-order index) is laid out by `layout` in a grid of
///   `dimensions`.
/// * Stage positions are numbered in increasing y and x, after negating y for
///   `reverseRows` and x for `reverseColumns`.
public struct StitchOptions: Sendable, Equatable {
    /// Nil: `defaultLayout`.
    public var layout: StitchLayout?
    /// Nil: `guessStitchDimensions` of the highest site index + 1, major axis vertical.
    public var dimensions: GridDimensions?
    public var reverseRows: Bool
    public var reverseColumns: Bool

    /// TissueMAPS metaconfig's default `stitch_layout`.
    public static let defaultLayout = StitchLayout.zigzagHorizontal

    public init(layout: StitchLayout? = nil, dimensions: GridDimensions? = nil,
                reverseRows: Bool = false, reverseColumns: Bool = false) {
        self.layout = layout
        self.dimensions = dimensions
        self.reverseRows = reverseRows
        self.reverseColumns = reverseColumns
    }
}
