/// A stage position reported by the microscope for one site, in the microscope's own units.
///
/// Only relative positions matter; either axis may grow in either direction.
public struct StagePosition: Hashable, Sendable, Codable {
    public var y: Double
    public var x: Double

    public init(y: Double, x: Double) {
        self.y = y
        self.x = x
    }
}
