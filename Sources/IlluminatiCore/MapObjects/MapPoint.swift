/// A point in map coordinates: x to the right, y = −row (TissueMAPS §4.4), so that
/// GIS tools see the plate the right way up.
public struct MapPoint: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}
