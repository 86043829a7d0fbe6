import Foundation

/// One image file of the synthetic plate.
struct SampleAcquisition: Sendable {
    var plate: Int
    var well: WellPosition
    var siteY: Int
    var siteX: Int
    var channel: Int
    var cycle: Int
    var tpoint: Int
    var zplane: Int
    /// Stage repositioning error of this cycle, in pixels; (0, 0) for cycle 0.
    var shiftY: Int
    var shiftX: Int
    /// Deviation of the recorded stage position from the ideal grid, in pixels (positions mode).
    var jitterY: Int
    var jitterX: Int
    /// Relative to the output directory.
    var path: String
}

/// The acquisitions of a spec, in manifest order, and how each one is rendered.
struct SamplePlan: Sendable {
    static let pixelSize = SamplePlateSpec.pixelSizeMicrometres
    /// 384-well plate (SBS): well pitch and the centre of A01 from the plate's top-left corner.
    static let wellPitch = 4500.0
    static let firstWellCentre = (y: 8990.0, x: 12130.0)
    /// Largest stage repositioning error between cycles, in pixels.
    static let maximumShift = 6

    let spec: SamplePlateSpec
    let wells: [WellPosition]
    let acquisitions: [SampleAcquisition]

    init(_ spec: SamplePlateSpec) throws {
        try spec.validate()
        self.spec = spec
        wells = try WellPosition.resolve(spec.wells)
        let names = FileNames(spec)
        var list: [SampleAcquisition] = []
        // The nesting order is the manifest's sort order.
        for plate in 0..<spec.plates {
            for well in wells {
                for siteY in 0..<spec.siteRows {
                    for siteX in 0..<spec.siteColumns {
                        for channel in 0..<spec.channels {
                            for cycle in 0..<spec.cycles {
                                let shift = Self.shift(spec, plate, well, siteY, siteX, cycle)
                                for tpoint in 0..<spec.tpoints {
                                    for zplane in 0..<spec.zplanes {
                                        var a = SampleAcquisition(
                                            plate: plate, well: well, siteY: siteY, siteX: siteX, channel: channel,
                                            cycle: cycle, tpoint: tpoint, zplane: zplane, shiftY: shift.y, shiftX: shift.x,
                                            jitterY: 0, jitterX: 0, path: "")
                                        if spec.positions { (a.jitterY, a.jitterX) = Self.jitter(spec, a) }
                                        a.path = names.path(a)
                                        list.append(a)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        acquisitions = list
    }

    static func plateName(_ plate: Int) -> String { "plate" + zeroPadded(plate + 1, width: 2) }

    func sceneKey(_ a: SampleAcquisition) -> UInt64 {
        SampleHash.key(spec.seed, 1, a.plate, a.well.row, a.well.column)
    }

    func request(for a: SampleAcquisition) -> FieldRequest {
        let noiseKey = SampleHash.key(spec.seed, 2, a.plate, a.well.row, a.well.column, a.siteY, a.siteX,
                                      a.channel, a.cycle, a.tpoint, a.zplane)
        let focus = Float(spec.zplanes - 1) / 2
        // Dyes bleach a little with every imaging round and every time point.
        let brightness = max(0.6, 1 - 0.05 * Float(a.cycle)) * max(0.8, 1 - 0.01 * Float(a.tpoint))
        return FieldRequest(
            sceneKey: sceneKey(a), noiseKey: noiseKey,
            originY: a.siteY * spec.height + a.jitterY + a.shiftY,
            originX: a.siteX * spec.width + a.jitterX + a.shiftX,
            height: spec.height, width: spec.width, channel: a.channel, tpoint: a.tpoint,
            defocus: abs(Float(a.zplane) - focus), brightness: brightness, bitDepth: spec.bitDepth)
    }

    /// Stage position in micrometres of the image's top-left corner; y grows downward.
    func stagePosition(_ a: SampleAcquisition) -> (y: Double, x: Double) {
        let blockHeight = Double(spec.siteRows * spec.height) * Self.pixelSize
        let blockWidth = Double(spec.siteColumns * spec.width) * Self.pixelSize
        let wellTop = Self.firstWellCentre.y + Double(a.well.row) * Self.wellPitch - blockHeight / 2
        let wellLeft = Self.firstWellCentre.x + Double(a.well.column) * Self.wellPitch - blockWidth / 2
        return (wellTop + Double(a.siteY * spec.height + a.jitterY) * Self.pixelSize,
                wellLeft + Double(a.siteX * spec.width + a.jitterX) * Self.pixelSize)
    }

    /// The per-cycle stage error of a site: nonzero for every cycle after the first, so
    /// registration always has something to find.
    private static func shift(_ spec: SamplePlateSpec, _ plate: Int, _ well: WellPosition,
                              _ siteY: Int, _ siteX: Int, _ cycle: Int) -> (y: Int, x: Int) {
        guard cycle > 0 else { return (0, 0) }
        var rng = SplitMix64(seed: SampleHash.key(spec.seed, 3, plate, well.row, well.column, siteY, siteX, cycle))
        while true {
            let y = rng.int(in: -maximumShift...maximumShift), x = rng.int(in: -maximumShift...maximumShift)
            if abs(y) + abs(x) >= 2 { return (y, x) }
        }
    }

    /// Per-file deviation from the ideal site grid, up to 5 % of the site spacing per axis.
    private static func jitter(_ spec: SamplePlateSpec, _ a: SampleAcquisition) -> (y: Int, x: Int) {
        var rng = SplitMix64(seed: SampleHash.key(spec.seed, 4, a.plate, a.well.row, a.well.column, a.siteY,
                                                  a.siteX, a.channel, a.cycle, a.tpoint, a.zplane))
        let limitY = spec.height * 5 / 100, limitX = spec.width * 5 / 100
        return (rng.int(in: -limitY...limitY), rng.int(in: -limitX...limitX))
    }
}

/// File names that spell out every coordinate, zero-padded so they sort naturally:
/// images/plate01/B03/plate01_B03_s04_GFP_c00_t00_z02.tif
private struct FileNames {
    let siteColumns: Int
    let widths: (site: Int, cycle: Int, tpoint: Int, zplane: Int)
    let fileExtension: String

    init(_ spec: SamplePlateSpec) {
        func digits(_ count: Int) -> Int { max(2, String(max(0, count - 1)).count) }
        siteColumns = spec.siteColumns
        widths = (digits(spec.siteRows * spec.siteColumns), digits(spec.cycles), digits(spec.tpoints), digits(spec.zplanes))
        fileExtension = spec.format == .png ? "png" : "tif"
    }

    func path(_ a: SampleAcquisition) -> String {
        let plate = SamplePlan.plateName(a.plate), well = a.well.name
        let site = a.siteY * siteColumns + a.siteX
        let name = [plate, well, "s" + zeroPadded(site, width: widths.site), SampleChannels.name(a.channel),
                    "c" + zeroPadded(a.cycle, width: widths.cycle), "t" + zeroPadded(a.tpoint, width: widths.tpoint),
                    "z" + zeroPadded(a.zplane, width: widths.zplane)].joined(separator: "_")
        return "images/\(plate)/\(well)/\(name).\(fileExtension)"
    }
}
