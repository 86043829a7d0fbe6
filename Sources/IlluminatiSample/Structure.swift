import Foundation

/// What a channel shows. Channel 0 is a nuclear stain, channel 1 a cytoplasm stain, and
/// further channels show finer structures, so every channel of a demo plate looks different.
enum Structure {
    case nuclei
    case cytoplasm
    case spots
    case membrane
    case nucleoli

    init(channel: Int) {
        let leading: [Structure] = [.nuclei, .cytoplasm, .spots, .membrane, .nucleoli]
        let repeating: [Structure] = [.spots, .membrane, .nucleoli]
        self = channel < leading.count ? leading[channel] : repeating[(channel - leading.count) % repeating.count]
    }

    /// Brightest typical signal as a fraction of full scale (inside 12–50 %).
    var peakFraction: Float {
        switch self {
        case .nuclei: 0.40
        case .cytoplasm: 0.16
        case .spots: 0.32
        case .membrane: 0.22
        case .nucleoli: 0.30
        }
    }

    /// Out-of-focus haze and medium autofluorescence, as a fraction of full scale.
    var backgroundFraction: Float {
        switch self {
        case .nuclei: 0.012
        case .cytoplasm: 0.025
        case .spots, .membrane: 0.015
        case .nucleoli: 0.012
        }
    }

    /// Adds this structure's signal (in units of the peak) for `cells` onto the canvas.
    func paint(_ cells: [SampleCell], channel: Int, on canvas: FieldCanvas) {
        for cell in cells {
            switch self {
            case .nuclei:
                paintNucleus(cell, amplitude: cell.brightness, textured: true, on: canvas)
            case .cytoplasm:
                paintCytoplasm(cell, amplitude: cell.expression(channel: channel), on: canvas)
            case .spots:
                let expression = cell.expression(channel: channel)
                paintCytoplasm(cell, amplitude: 0.1 * expression, on: canvas)
                paintSpots(cell, channel: channel, amplitude: expression, on: canvas)
            case .membrane:
                paintMembrane(cell, amplitude: cell.expression(channel: channel), on: canvas)
            case .nucleoli:
                let expression = cell.expression(channel: channel)
                paintNucleus(cell, amplitude: 0.3 * expression, textured: false, on: canvas)
                paintNucleoli(cell, channel: channel, amplitude: expression, on: canvas)
            }
        }
    }

    private func paintNucleus(_ cell: SampleCell, amplitude: Float, textured: Bool, on canvas: FieldCanvas) {
        let f = cell.textureFrequency, p = cell.texturePhase
        let values = canvas.values
        canvas.forEach(around: cell.y, cell.x, extent: cell.nucleusExtent) { i, dy, dx in
            let r2 = cell.nucleusRho2(dy, dx)
            guard r2 < 1.2544 else { return }  // 1.12², the outer end of the soft rim
            // Slightly domed: a nucleus is thicker in the middle.
            var value = softEdge(r2.squareRoot()) * (0.85 + 0.15 * (1 - r2))
            if textured {
                // Chromatin: two interfering waves give a mottled, cell-specific pattern.
                value *= 1 + 0.14 * sin(f.0 * dx + p.0) * sin(f.1 * dy + p.1) + 0.08 * sin(f.2 * (dx + dy) + p.2)
            }
            values[i] += amplitude * value
        }
    }

    private func paintCytoplasm(_ cell: SampleCell, amplitude: Float, on canvas: FieldCanvas) {
        let toNucleusY = cell.cytoplasmY - cell.y, toNucleusX = cell.cytoplasmX - cell.x
        let p = cell.texturePhase
        let values = canvas.values
        canvas.forEach(around: cell.cytoplasmY, cell.cytoplasmX, extent: cell.cytoplasmExtent) { i, dy, dx in
            let rho = cell.cytoplasmRho(dy, dx)
            guard rho < 1.12 else { return }
            // The nucleus excludes most cytoplasmic stain, so it shows as a darker hole.
            let r2 = cell.nucleusRho2(dy + toNucleusY, dx + toNucleusX)
            let nucleus = r2 < 1.2544 ? softEdge(r2.squareRoot()) : 0
            let texture = 1 + 0.1 * sin(0.35 * dx + p.2) * sin(0.3 * dy + p.0)
            values[i] += amplitude * softEdge(rho) * (0.55 + 0.45 * (1 - rho)) * (1 - 0.5 * nucleus) * texture
        }
    }

    private func paintMembrane(_ cell: SampleCell, amplitude: Float, on canvas: FieldCanvas) {
        let values = canvas.values
        canvas.forEach(around: cell.cytoplasmY, cell.cytoplasmX, extent: cell.cytoplasmExtent) { i, dy, dx in
            let rho = cell.cytoplasmRho(dy, dx)
            guard rho < 1.25 else { return }
            var value = 0.06 * softEdge(rho)
            let ring = (rho - 0.97) * (1 / 0.07)
            if abs(ring) < 3 { value += exp(-ring * ring) }
            values[i] += amplitude * value
        }
    }

    /// Punctate signal (vesicles, FISH dots) scattered through the cytoplasm.
    private func paintSpots(_ cell: SampleCell, channel: Int, amplitude: Float, on canvas: FieldCanvas) {
        var rng = SplitMix64(seed: SampleHash.key(cell.key, channel, 1))
        let count = rng.int(in: 3...10)
        for _ in 0..<count {
            let angle = rng.uniform(0, 2 * .pi)
            let distance = cell.cytoplasmRadius * 0.8 * rng.unit().squareRoot()
            paintGaussian(y: cell.cytoplasmY + distance * sin(angle), x: cell.cytoplasmX + distance * cos(angle),
                          sigma: rng.uniform(0.9, 1.6), amplitude: amplitude * rng.uniform(0.5, 1.0), on: canvas)
        }
    }

    /// A few dense bodies inside the nucleus.
    private func paintNucleoli(_ cell: SampleCell, channel: Int, amplitude: Float, on canvas: FieldCanvas) {
        var rng = SplitMix64(seed: SampleHash.key(cell.key, channel, 2))
        let count = rng.int(in: 1...3)
        for _ in 0..<count {
            // A point inside half the ellipse, rotated with the nucleus.
            let u = rng.uniform(-0.5, 0.5) * cell.axisA, v = rng.uniform(-0.5, 0.5) * cell.axisB
            let dx = u * cell.cosAngle - v * cell.sinAngle, dy = u * cell.sinAngle + v * cell.cosAngle
            paintGaussian(y: cell.y + dy, x: cell.x + dx, sigma: rng.uniform(1.2, 2.0),
                          amplitude: amplitude * rng.uniform(0.7, 1.0), on: canvas)
        }
    }

    private func paintGaussian(y: Float, x: Float, sigma: Float, amplitude: Float, on canvas: FieldCanvas) {
        let scale = -1 / (2 * sigma * sigma)
        let values = canvas.values
        canvas.forEach(around: y, x, extent: 3 * sigma + 1) { i, dy, dx in
            values[i] += amplitude * exp((dy * dy + dx * dx) * scale)
        }
    }
}
