import Metrics

extension Metrics.Timer {
    /// Records a duration measured with a Swift clock (swift-metrics takes integer nanoseconds).
    public func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
