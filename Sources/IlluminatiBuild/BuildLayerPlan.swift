/// One layer of a build's plan: the statistics of a channel, or a channel layer's pyramid.
/// Its stages run in order; the jobs of one stage are independent of each other.
public struct BuildLayerPlan: Hashable, Sendable {
    public var name: String
    /// Layers that must be complete before this one starts.
    public var after: [String]
    public var stages: [[BuildJob]]

    public init(name: String, after: [String] = [], stages: [[BuildJob]]) {
        self.name = name
        self.after = after
        self.stages = stages
    }
}
