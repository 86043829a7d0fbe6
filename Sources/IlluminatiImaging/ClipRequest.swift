/// How a layer's upper clip value is chosen.
public enum ClipRule: Hashable, Sendable, Codable {
    /// No clipping: the whole range of the channel's bit depth.
    case none
    /// A percentile (e.g. 99.9) of the layer's raw samples, with TissueMAPS' low-signal guard.
    case percentile(Double)
    /// A fixed raw value.
    case value(Int)
}

/// What the user asked for as a layer's intensity window, turned into an `IntensityWindow`
/// once per layer (TissueMAPS §3.4, decided at init and recorded):
///
/// | upper rule | upper | lower (unless given) |
/// |---|---|---|
/// | none | 2^bitDepth − 1 | 0 |
/// | percentile(p) | P = percentile p; 8-bit: max(P, 255), else max(P, lower + 255) | percentile 0.001 |
/// | value(v) | v | percentile 0.001 |
///
/// An explicit `lower` replaces the lower column and, with `.value`, makes the window exactly
/// [lower, v] with no data needed. TissueMAPS crashed for `--clip-value` because the lower
/// percentile came from statistics it never loaded in that branch (§7 bug 1); here the
/// histogram is requested whenever a percentile is needed.
public struct ClipRequest: Hashable, Sendable, Codable {
    /// The percentile TissueMAPS takes as the lower clip value.
    public static let lowerPercentile = 0.001

    public var upper: ClipRule
    public var lower: Int?

    public init(upper: ClipRule = .none, lower: Int? = nil) {
        self.upper = upper
        self.lower = lower
    }

    /// Whether `window` needs a histogram of the layer's samples.
    public var needsHistogram: Bool {
        switch upper {
        case .none: false
        case .percentile: true
        case .value: lower == nil
        }
    }

    /// - Throws: `ClipError` when a needed histogram is missing or empty, or the window would
    ///   be empty or outside 0…65535.
    public func window(bitDepth: Int, histogram: IntensityHistogram?) throws -> IntensityWindow {
        func percentile(_ p: Double) throws -> Int {
            guard let histogram, let value = histogram.percentile(p) else {
                throw ClipError("the \(p) percentile needs the layer's samples, and none were counted")
            }
            return value
        }
        let top = bitDepth >= 16 ? 65535 : (1 << max(1, bitDepth)) - 1
        let low: Int
        let high: Int
        switch upper {
        case .none:
            low = lower ?? 0
            high = top
        case .percentile(let p):
            guard p > 0, p <= 100 else { throw ClipError("clip percentile \(p) must be in (0, 100]") }
            low = try lower ?? percentile(Self.lowerPercentile)
            let value = try percentile(p)
            high = min(65535, bitDepth <= 8 ? max(value, 255) : max(value, low + 255))
        case .value(let v):
            low = try lower ?? percentile(Self.lowerPercentile)
            high = v
        }
        do {
            return try IntensityWindow(lower: low, upper: high)
        } catch {
            throw ClipError("clip window [\(low), \(high)] is empty or outside 0…65535 (lower must be below upper)")
        }
    }
}

public struct ClipError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
