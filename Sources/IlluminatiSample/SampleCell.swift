import Foundation

/// One synthetic cell: an elliptical nucleus inside a larger, lobed cytoplasm.
///
/// Cells live in well coordinates (pixels from the top-left of the well's site block), so
/// neighbouring sites cut the same cells and stitch without seams. They sit on a jittered
/// grid whose nodes extend without bound, which also fills the margins that stage shifts
/// and jitter bring into view.
struct SampleCell {
    /// Grid pitch in pixels: dense enough to look like a confluent-ish culture.
    static let spacing: Float = 32
    /// No cell reaches further than this from its grid node's centre (including motion of
    /// a few pixels per time point, added separately).
    static let maximumReach: Float = 48

    var key: UInt64
    /// Nucleus centre.
    var y: Float
    var x: Float
    /// Nucleus semi-axes and orientation.
    var axisA: Float
    var axisB: Float
    var cosAngle: Float
    var sinAngle: Float
    /// DNA content: brighter for the few mitotic cells.
    var brightness: Float
    /// Chromatin texture: frequencies and phases of two interfering waves.
    var textureFrequency: (Float, Float, Float)
    var texturePhase: (Float, Float, Float)
    /// Cytoplasm: centre offset from the nucleus, mean radius and lobe harmonics.
    var cytoplasmY: Float
    var cytoplasmX: Float
    var cytoplasmRadius: Float
    var lobes: (cos2: Float, sin2: Float, cos3: Float, sin3: Float)
    /// Sum of the lobe amplitudes: how far the outline can bulge beyond the mean radius.
    var lobeAmplitude: Float

    /// The cell at grid node (i, j) of a well, moved to where it is at `tpoint`, or nil
    /// where the node is empty (gaps make the culture look less like a lattice).
    static func at(node i: Int, _ j: Int, sceneKey: UInt64, tpoint: Int) -> SampleCell? {
        let key = SampleHash.key(sceneKey, i, j)
        var rng = SplitMix64(seed: key)
        guard rng.chance(0.82) else { return nil }
        var y = (Float(i) + 0.5 + rng.uniform(-0.38, 0.38)) * spacing
        var x = (Float(j) + 0.5 + rng.uniform(-0.38, 0.38)) * spacing
        let mitotic = rng.chance(0.04)
        var a = rng.uniform(6.5, 9.5)
        var b = a * rng.uniform(0.68, 0.95)
        if mitotic { a *= 0.65; b *= 0.8 }
        let angle = rng.uniform(0, 2 * .pi)
        let brightness = rng.uniform(0.7, 1.1) * (mitotic ? 1.6 : 1)
        let frequency = (rng.uniform(0.45, 1.0), rng.uniform(0.45, 1.0), rng.uniform(0.3, 0.7))
        let phase = (rng.uniform(0, 2 * .pi), rng.uniform(0, 2 * .pi), rng.uniform(0, 2 * .pi))
        let radius = a * rng.uniform(1.8, 2.4)
        let offsetY = a * rng.uniform(-0.3, 0.3)
        let offsetX = a * rng.uniform(-0.3, 0.3)
        let amplitude2 = rng.uniform(0, 0.16), phase2 = rng.uniform(0, 2 * .pi)
        let amplitude3 = rng.uniform(0, 0.10), phase3 = rng.uniform(0, 2 * .pi)

        // Brownian-ish drift: each time point adds a small step, so frame t+1 resembles frame t.
        var walk = SplitMix64(seed: key ^ 0x5DEE_CE66_D1CE_4E5B)
        for _ in 0..<tpoint {
            y += walk.uniform(-2, 2)
            x += walk.uniform(-2, 2)
        }
        return SampleCell(
            key: key, y: y, x: x, axisA: a, axisB: b, cosAngle: cos(angle), sinAngle: sin(angle),
            brightness: brightness, textureFrequency: frequency, texturePhase: phase,
            cytoplasmY: y + offsetY, cytoplasmX: x + offsetX, cytoplasmRadius: radius,
            lobes: (amplitude2 * cos(phase2), amplitude2 * sin(phase2),
                    amplitude3 * cos(phase3), amplitude3 * sin(phase3)),
            lobeAmplitude: amplitude2 + amplitude3)
    }

    /// All cells that can touch the given rectangle of well pixels at `tpoint`.
    static func cells(sceneKey: UInt64, rows: Range<Int>, columns: Range<Int>, tpoint: Int) -> [SampleCell] {
        let reach = maximumReach + 2 * Float(tpoint)
        let i0 = Int(((Float(rows.lowerBound) - reach) / spacing).rounded(.down))
        let i1 = Int(((Float(rows.upperBound) + reach) / spacing).rounded(.down))
        let j0 = Int(((Float(columns.lowerBound) - reach) / spacing).rounded(.down))
        let j1 = Int(((Float(columns.upperBound) + reach) / spacing).rounded(.down))
        var cells: [SampleCell] = []
        cells.reserveCapacity((i1 - i0 + 1) * (j1 - j0 + 1))
        for i in i0...i1 {
            for j in j0...j1 {
                if let cell = at(node: i, j, sceneKey: sceneKey, tpoint: tpoint) { cells.append(cell) }
            }
        }
        return cells
    }

    /// A per-channel expression level: most cells express, some barely do.
    func expression(channel: Int) -> Float {
        var rng = SplitMix64(seed: SampleHash.key(key, channel))
        return rng.chance(0.25) ? rng.uniform(0.1, 0.3) : rng.uniform(0.7, 1.25)
    }

    /// Squared normalized radius of the nucleus ellipse at (dy, dx) from its centre.
    @inline(__always)
    func nucleusRho2(_ dy: Float, _ dx: Float) -> Float {
        let u = dx * cosAngle + dy * sinAngle
        let v = -dx * sinAngle + dy * cosAngle
        return (u * u) / (axisA * axisA) + (v * v) / (axisB * axisB)
    }

    /// Normalized radius of the lobed cytoplasm outline at (dy, dx) from its centre.
    @inline(__always)
    func cytoplasmRho(_ dy: Float, _ dx: Float) -> Float {
        let d = (dx * dx + dy * dy).squareRoot()
        guard d > 1e-3 else { return 0 }
        let c = dx / d, s = dy / d
        // cos/sin of 2θ and 3θ from cos θ and sin θ, avoiding atan2 per pixel.
        let c2 = c * c - s * s, s2 = 2 * c * s
        let c3 = c * (4 * c * c - 3), s3 = s * (3 - 4 * s * s)
        let r = cytoplasmRadius * (1 + lobes.cos2 * c2 + lobes.sin2 * s2 + lobes.cos3 * c3 + lobes.sin3 * s3)
        return d / r
    }

    var nucleusExtent: Float { max(axisA, axisB) * 1.15 + 1 }
    /// Covers the outline's soft rim and the membrane ring (ρ up to 1.25).
    var cytoplasmExtent: Float { cytoplasmRadius * (1 + lobeAmplitude) * 1.25 + 1 }
}

/// 1 inside, 0 outside, with a soft rim between ρ = 0.88 and 1.12, like a cell edge
/// seen through a diffraction-limited objective.
@inline(__always)
func softEdge(_ rho: Float) -> Float {
    let t = min(max((1.12 - rho) * (1 / 0.24), 0), 1)
    return t * t * (3 - 2 * t)
}
