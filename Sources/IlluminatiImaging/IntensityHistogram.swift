/// Counts of every 16-bit sample value over some images: percentiles of a whole layer from
/// partial histograms that jobs compute separately and add up.
public struct IntensityHistogram: Sendable, Equatable {
    /// `counts[v]` = number of samples equal to v; 65 536 entries.
    public private(set) var counts: [UInt64]
    public private(set) var total: UInt64

    public init() {
        counts = [UInt64](repeating: 0, count: 65536)
        total = 0
    }

    public mutating func add(_ image: GrayImage) {
        image.pixels.withUnsafeBufferPointer { add(samples: $0) }
    }

    public mutating func add(samples: UnsafeBufferPointer<UInt16>) {
        counts.withUnsafeMutableBufferPointer { bins in
            for v in samples { bins[Int(v)] &+= 1 }
        }
        total += UInt64(samples.count)
    }

    public mutating func merge(_ other: IntensityHistogram) {
        counts.withUnsafeMutableBufferPointer { bins in
            for i in 0..<65536 { bins[i] &+= other.counts[i] }
        }
        total += other.total
    }

    /// The p-th percentile (0 ≤ p ≤ 100) by the inverted cumulative distribution: the smallest
    /// value v such that at least ⌈p/100 · total⌉ samples (at least one) are ≤ v. Nil when empty.
    public func percentile(_ p: Double) -> Int? {
        guard total > 0 else { return nil }
        let fraction = min(max(p, 0), 100) / 100
        let rank = max(1, min(total, UInt64((fraction * Double(total)).rounded(.up))))
        var seen: UInt64 = 0
        for v in 0..<65536 {
            seen += counts[v]
            if seen >= rank { return v }
        }
        return 65535
    }
}
