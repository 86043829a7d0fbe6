/// The range of raw intensities [lower, upper] that a layer's tiles show as 0…255.
///
/// Tiles are built from a lossless 16-bit fixed-point intermediate with 8 fractional bits
/// (0 … 255·256 = 65280), and rounded to 8 bits only when a tile is encoded. For a raw sample
/// v (after illumination correction and alignment) the exact mapping is, in integers:
///
///     fixed(v) = 0                                        if v ≤ lower
///              = 65280                                    if v ≥ upper
///              = ⌊(v − lower) · 65280 / (upper − lower)⌋   otherwise
///     byte(v)  = ⌊(fixed(v) + 128) / 256⌋
///
/// which is the same as `byte(v) = clamp(⌊(v − lower) · 255 / (upper − lower) + ½⌋, 0, 255)`:
/// ⌊(⌊256x⌋ + 128) / 256⌋ = ⌊x + ½⌋ for any real x ≥ 0, so base tiles hold the correctly
/// rounded window and lower levels average the unrounded values. A 65 536-entry table of
/// `byte(v)` reproduces base tiles exactly in any other tool (e.g. libvips `maplut`).
///
/// TissueMAPS scaled with `⌊(v − lower) · 255 / (upper − lower − 1)⌋` (a numpy linspace
/// artefact that never produces some values, §3.5); this window is linear and rounds.
public struct IntensityWindow: Hashable, Sendable, Codable, CustomStringConvertible {
    public let lower: Int
    public let upper: Int

    /// - Throws: `IntensityWindowError` unless 0 ≤ lower < upper ≤ 65535.
    public init(lower: Int, upper: Int) throws {
        guard lower >= 0, upper <= 65535, lower < upper else {
            throw IntensityWindowError(lower: lower, upper: upper)
        }
        self.lower = lower
        self.upper = upper
    }

    /// The whole range of `bitDepth`-bit samples: no clipping.
    public static func fullRange(bitDepth: Int) -> IntensityWindow {
        let top = bitDepth >= 16 ? 65535 : (1 << max(1, bitDepth)) - 1
        // 0 < top ≤ 65535 for any depth, so this cannot throw.
        return try! IntensityWindow(lower: 0, upper: top)
    }

    public var description: String { "[\(lower), \(upper)]" }

    /// The fixed-point value (8 fractional bits) of a raw sample.
    public func fixedPoint(_ value: Int) -> UInt16 {
        if value <= lower { return 0 }
        if value >= upper { return FixedPoint.maximum }
        return UInt16((value - lower) * Int(FixedPoint.maximum) / (upper - lower))
    }

    /// The 8-bit value a base tile holds for a raw sample.
    public func byte(_ value: Int) -> UInt8 {
        FixedPoint.byte(fixedPoint(value))
    }

    /// `fixedPoint(v)` for every v in 0…65535, for table lookups in hot loops.
    public func fixedPointTable() -> [UInt16] {
        var table = [UInt16](repeating: 0, count: 65536)
        let span = upper - lower
        let top = Int(FixedPoint.maximum)
        table.withUnsafeMutableBufferPointer { out in
            for v in (lower + 1)..<upper { out[v] = UInt16((v - lower) * top / span) }
            for v in upper...65535 { out[v] = FixedPoint.maximum }
        }
        return table
    }
}

/// A window that is empty or outside the 16-bit range.
public struct IntensityWindowError: Error, Sendable, Equatable, CustomStringConvertible {
    public var lower: Int
    public var upper: Int

    public var description: String {
        "intensity window [\(lower), \(upper)] is invalid: need 0 ≤ lower < upper ≤ 65535"
    }
}
