/// Turns fluorophore signal into camera counts: illumination falloff, background, shot and
/// read noise, dark offset, quantization and clipping, for a 12- or 16-bit sensor.
struct Camera {
    let bitDepth: Int

    var fullScale: Float { Float((1 << bitDepth) - 1) }
    /// Counts scale with the converter range; 16-bit is the reference.
    private var scale: Float { fullScale / 65535 }
    /// Dark offset: about 100 counts on a 16-bit camera.
    var offset: Float { (100 * scale).rounded() }
    /// Counts per photoelectron: shot-noise variance is gain × signal.
    private var gain: Float { 1.2 * scale }
    private var readNoise: Float { max(0.6, 3.5 * scale) }

    /// Strength of the illumination falloff for a channel: 30–45 % darker in the corners.
    static func vignetting(channel: Int) -> Float { 0.30 + 0.05 * Float(channel % 4) }

    /// `signal` is height × width in units of the structure's peak; `brightness` multiplies
    /// it (bleaching); `noiseKey` makes the noise specific to this image.
    func expose(_ signal: [Float], height: Int, width: Int, structure: Structure, channel: Int,
                brightness: Float, noiseKey: UInt64) -> [UInt16] {
        let peak = structure.peakFraction * fullScale * brightness
        let background = structure.backgroundFraction * fullScale
        let k = Self.vignetting(channel: channel)
        // 1 − k·r², with r = 1 in the corners: precomputed per row and column, as the sum separates.
        let halfY = Float(height) / 2, halfX = Float(width) / 2
        let rowFalloff = (0..<height).map { r -> Float in
            let t = (Float(r) + 0.5 - halfY) / halfY
            return 0.5 * k * t * t
        }
        let columnFalloff = (0..<width).map { c -> Float in
            let t = (Float(c) + 0.5 - halfX) / halfX
            return 0.5 * k * t * t
        }
        let offset = self.offset, gain = self.gain, read2 = readNoise * readNoise, top = fullScale
        var counts = [UInt16](repeating: 0, count: height * width)
        signal.withUnsafeBufferPointer { source in
            counts.withUnsafeMutableBufferPointer { out in
                for r in 0..<height {
                    let rowBase = r * width
                    let rowLoss = rowFalloff[r]
                    for c in 0..<width {
                        let i = rowBase + c
                        let illumination = 1 - rowLoss - columnFalloff[c]
                        let expected = illumination * (peak * source[i] + background)
                        let noise = SampleHash.normal(SampleHash.mix(noiseKey &+ UInt64(i) &* 0xD1B5_4A32_D192_ED03))
                        let value = offset + expected + (gain * expected + read2).squareRoot() * noise
                        out[i] = UInt16(min(max(value.rounded(), 0), top))
                    }
                }
            }
        }
        return counts
    }
}
