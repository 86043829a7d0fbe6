import ArgumentParser
import IlluminatiCore

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
