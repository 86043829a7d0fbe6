import ArgumentParser
import IlluminatiCore

/// The flags that say how a manifest's sites get their grid cells (`StitchOptions`); one
/// group, so `experiment create` and `pyramid` read a manifest the same way.
struct StitchArguments: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Acquisition order of the manifest's site column: horizontal, zigzag_horizontal (default, as TissueMAPS), vertical or zigzag_vertical.",
        valueName: "layout"))
    var stitchLayout: StitchLayout?
    @Option(name: .long, help: ArgumentHelp(
        "Site grid of every well for the site column, rows x columns (default: guessed from the highest site index, as TissueMAPS' guess_stitch_dimensions).",
        valueName: "RxC"))
    var stitchDims: GridDimensions?
    @Flag(name: .long, help: "Number site rows from the largest stage_y (a stage whose y axis points up).")
    var reverseRows = false
    @Flag(name: .long, help: "Number site columns from the largest stage_x.")
    var reverseColumns = false

    var options: StitchOptions {
        StitchOptions(layout: stitchLayout, dimensions: stitchDims, reverseRows: reverseRows, reverseColumns: reverseColumns)
    }
}

extension StitchLayout: ExpressibleByArgument {}

extension GridDimensions: ExpressibleByArgument {
    /// `RxC`, e.g. `3x4` (also `3X4` or `3×4`): rows, then columns. Ranges are checked
    /// with the manifest, where the message can name it.
    public init?(argument: String) {
        let parts = argument.split(omittingEmptySubsequences: false) { "xX×".contains($0) }
        guard parts.count == 2, let rows = Int(parts[0]), let columns = Int(parts[1]) else { return nil }
        self.init(rows: rows, columns: columns)
    }
}
