/// Deterministic randomness for the synthetic plate.
///
/// Everything is derived by hashing coordinates (well, grid node, pixel index …) rather than
/// by drawing from one shared stream, so any image can be rendered alone, on any thread, in
/// any order, and still come out byte-identical.
enum SampleHash {
    /// SplitMix64's finalizer: a cheap bijective mix with good avalanche.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A key for a seed and an ordered tuple of coordinates.
    static func key(_ seed: UInt64, _ values: Int...) -> UInt64 {
        var h = mix(seed ^ 0x6A09_E667_F3BC_C909)
        for value in values { h = mix(h ^ mix(UInt64(bitPattern: Int64(value)))) }
        return h
    }

    /// An approximately standard-normal value from one hash: the sum of four 16-bit
    /// uniforms (Irwin–Hall), rescaled. Cheap enough to call once per pixel.
    @inline(__always)
    static func normal(_ hash: UInt64) -> Float {
        let a = Float(hash & 0xFFFF) + Float((hash >> 16) & 0xFFFF)
        let b = Float((hash >> 32) & 0xFFFF) + Float(hash >> 48)
        return ((a + b) * (1.0 / 65536.0) - 2.0) * 1.732_050_8
    }
}

/// SplitMix64: a small seeded generator for the attributes of one cell or one acquisition.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        return SampleHash.mix(state)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [low, high).
    mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * unit()
    }

    /// Uniform integer in the closed range.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func chance(_ probability: Float) -> Bool { unit() < probability }
}
