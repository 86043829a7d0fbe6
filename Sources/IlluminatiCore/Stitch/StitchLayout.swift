/// The order in which a microscope visited the sites of a well (TissueMAPS §5.3/§5.4).
///
/// * `horizontal`: row by row, each row left to right.
/// * `zigzagHorizontal`: row by row, odd rows (0-based) right to left.
/// * `vertical`: column by column, each column top to bottom.
/// * `zigzagVertical`: column by column, odd columns bottom to top.
///
/// Raw values are the TissueMAPS spellings.
public enum StitchLayout: String, Sendable, CaseIterable, Codable {
    case horizontal
    case zigzagHorizontal = "zigzag_horizontal"
    case vertical
    case zigzagVertical = "zigzag_vertical"
}
