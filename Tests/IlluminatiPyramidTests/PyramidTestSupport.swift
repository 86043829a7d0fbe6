import Foundation
import IlluminatiBuild
import IlluminatiCore
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiSample
import IlluminatiStorage
import IlluminatiTestSupport

/// A fresh directory per test, removed when the last reference goes away.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("illuminati-pyramid-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A generated sample plate, registered the way `illuminati pyramid` registers a manifest.
struct SampleExperiment {
    let directory = TemporaryDirectory()
    let experiment: Experiment
    let layout: PlateLayout

    init(_ configure: (inout SamplePlateSpec) -> Void) throws {
        var spec = SamplePlateSpec()
        spec.wells = .count(2)
        spec.siteRows = 2
        spec.siteColumns = 2
        spec.height = 160
        spec.width = 240
        spec.channels = 1
        configure(&spec)
        let result = try SamplePlate.generate(spec, into: directory.path)
        let experiment = try SamplePlate.experiment(named: "sample", manifestPath: result.manifestPath,
                                                    directory: directory.path)
        self.experiment = experiment
        self.layout = try PlateLayout(experiment.layoutSpec)
    }

    /// Builds as `illuminati pyramid` does.
    func build(into output: String, threads: Int = 2, statistics: [String] = [], format: PyramidFormat = .shards,
               keepingIntermediates: Bool = false,
               _ configure: (inout BuildOptions) -> Void = { _ in }) throws -> LocalBuildSummary {
        var options = BuildOptions()
        configure(&options)
        var settings = LocalBuildSettings()
        settings.threads = threads
        settings.format = format
        settings.keepIntermediate = keepingIntermediates
        return try LocalBuild(experiment: experiment, layout: layout, output: output, options: options,
                              statisticsInputs: statistics, settings: settings).run()
    }
}

/// Every file under `root`, by relative path, its shards' tiles as `LAYER_shards/{level}/{col}_{row}.jpg`.
func fileTree(_ root: String) throws -> [String: Data] {
    try ShardContents.expanding(filesBelow(root))
}

/// A single-channel float image.
struct FloatImage {
    var width: Int
    var height: Int
    var pixels: [Double]

    init(width: Int, height: Int, pixels: [Double]? = nil) {
        self.width = width
        self.height = height
        self.pixels = pixels ?? [Double](repeating: 0, count: width * height)
    }

    /// Exact 2×2 means; odd edges average the pixels that exist.
    func halved() -> FloatImage {
        var out = FloatImage(width: (width + 1) / 2, height: (height + 1) / 2)
        for y in 0..<out.height {
            for x in 0..<out.width {
                var sum = 0.0, n = 0.0
                for dy in 0..<2 where 2 * y + dy < height {
                    for dx in 0..<2 where 2 * x + dx < width {
                        sum += pixels[(2 * y + dy) * width + 2 * x + dx]
                        n += 1
                    }
                }
                out.pixels[y * out.width + x] = sum / n
            }
        }
        return out
    }

    /// Peak signal-to-noise ratio of `other` against this reference (8-bit peak); ∞ if equal.
    func psnr(of other: FloatImage) -> Double {
        precondition(other.width == width && other.height == height)
        var squares = 0.0
        for i in 0..<pixels.count { squares += (pixels[i] - other.pixels[i]) * (pixels[i] - other.pixels[i]) }
        let mse = squares / Double(pixels.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}

/// The reference base level: each site corrected, aligned and windowed with the pure
/// functions, as exact floats (no fixed point, no rounding), placed at its offset.
func referenceBase(layout: PyramidLayout, sites: [SiteSource], window: IntensityWindow,
                   correction: IlluminationCorrection?) throws -> FloatImage {
    var base = FloatImage(width: layout.baseSize.width, height: layout.baseSize.height)
    let scale = 255.0 / Double(window.upper - window.lower)
    for site in sites {
        var image = try ImageFiles.read(site.path)
        if let correction { image = try correction.apply(image) }
        let valid = Alignment.validRegion(height: image.height, width: image.width, shift: site.shift, residues: site.residues)
        image = Alignment.apply(image, shift: site.shift, residues: site.residues)
        for r in valid.rows {
            for c in valid.columns {
                let v = Double(Int(image[r, c]) - window.lower) * scale
                base.pixels[(site.offset.y + r) * base.width + site.offset.x + c] = min(255, max(0, v))
            }
        }
    }
    return base
}

/// A level as the viewer sees it: decoded tiles, black where none was written.
func decodedLevel(_ level: Int, layer: String, layout: PyramidLayout, storage: ExperimentStorage) throws -> FloatImage {
    let size = layout.size(level: level)
    var image = FloatImage(width: size.width, height: size.height)
    let grid = layout.tiles(level: level)
    let source = storage.pyramids.source(layer: layer)
    for row in 0..<grid.rows {
        for column in 0..<grid.columns {
            let tile = TileAddress(level: level, row: row, column: column)
            guard let stored = try source.tile(tile) else { continue }
            let decoded = try JPEGDecoder.decodeGray(stored.bytes)
            let rect = layout.pixelRect(of: tile)
            precondition(decoded.width == rect.width && decoded.height == rect.height, "tile \(tile) has the wrong size")
            for y in 0..<rect.height {
                for x in 0..<rect.width {
                    image.pixels[(rect.y + y) * image.width + rect.x + x] = Double(decoded.pixels[y * rect.width + x])
                }
            }
        }
    }
    return image
}

/// The reference level after one JPEG encode of its correctly rounded bytes, tile by tile.
func singleEncode(_ reference: FloatImage, layout: PyramidLayout, level: Int, quality: Int) throws -> FloatImage {
    var out = FloatImage(width: reference.width, height: reference.height)
    let encoder = try JPEGEncoder(quality: quality)
    let grid = layout.tiles(level: level)
    for row in 0..<grid.rows {
        for column in 0..<grid.columns {
            let rect = layout.pixelRect(of: TileAddress(level: level, row: row, column: column))
            var bytes = [UInt8](repeating: 0, count: rect.width * rect.height)
            for y in 0..<rect.height {
                for x in 0..<rect.width {
                    bytes[y * rect.width + x] = UInt8((reference.pixels[(rect.y + y) * reference.width + rect.x + x] + 0.5).rounded(.down))
                }
            }
            guard bytes.contains(where: { $0 != 0 }) else { continue }
            let decoded = try JPEGDecoder.decodeGray(try encoder.encode(bytes, width: rect.width, height: rect.height))
            for y in 0..<rect.height {
                for x in 0..<rect.width {
                    out.pixels[(rect.y + y) * out.width + rect.x + x] = Double(decoded.pixels[y * rect.width + x])
                }
            }
        }
    }
    return out
}
