/// A size in pixels, height first like TissueMAPS' (height, width) tuples (§1.3).
public struct PixelSize: Hashable, Sendable, Codable, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    public var description: String { "\(height)×\(width)" }
}

/// A position or shift in pixels, (y, x) with y growing downwards (TissueMAPS §1.4).
public struct PixelOffset: Hashable, Sendable, Codable, CustomStringConvertible {
    public var y: Int
    public var x: Int

    public init(y: Int, x: Int) {
        self.y = y
        self.x = x
    }

    public var description: String { "(\(y), \(x))" }
}
