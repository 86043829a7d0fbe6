/// One layer of a build's plan: the statistics of a channel, or a channel layer's pyramid.
/// Its levels run in order; the jobs of one level are independent of each other.
public struct BuildLayerPlan: Hashable, Sendable {
    public var name: String
    /// Layers that must be complete before this one starts.
    public var after: [String]
    public var levels: [[BuildJob]]

    public init(name: String, after: [String] = [], levels: [[BuildJob]]) {
        self.name = name
        self.after = after
        self.levels = levels
    }
}
