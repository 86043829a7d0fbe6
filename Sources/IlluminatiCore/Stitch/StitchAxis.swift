/// Which axis gets more cells when a grid is guessed from a count (TissueMAPS §5.1,
/// `stitch_major_axis`): `.vertical` gives rows ≥ columns, `.horizontal` the transpose.
public enum StitchAxis: String, Sendable, CaseIterable {
    case vertical, horizontal
}
