import ArgumentParser
import Foundation
import IlluminatiCoordinator
import IlluminatiImaging
import IlluminatiSample

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write a synthetic fluorescence plate (images and manifest.csv) into a folder.",
        discussion: "The same options and seed give byte-identical files.")

    @Argument(help: "Output folder.") var directory: String
    @OptionGroup var options: SampleOptions

    func run() throws {
        let spec = try options.spec()
        let result = try SampleWriter.write(spec, into: directory)
        print("wrote \(result.imageCount) images and \(result.manifestPath)")
    }
}

/// The plate-shape options shared by `sample` and `demo`.
struct SampleOptions: ParsableArguments {
    @Option(help: "Number of plates.") var plates: Int = 1
    @Option(help: ArgumentHelp("Wells per plate: a count, or names like A01,A02,B01.", valueName: "n|list")) var wells: String = "4"
    @Option(help: ArgumentHelp("Site grid per well, rows×columns.", valueName: "RxC")) var sites: String = "3x3"
    @Option(help: ArgumentHelp("Image size, height×width.", valueName: "HxW")) var size: String = "512x512"
    @Option(help: "Number of channels.") var channels: Int = 2
    @Option(help: "Number of cycles.") var cycles: Int = 1
    @Option(help: "Number of time points.") var tpoints: Int = 1
    @Option(help: "Number of z-planes.") var zplanes: Int = 1
    @Option(help: "Image format: tiff or png.") var format: String = "tiff"
    @Option(help: "Bit depth: 12 or 16.") var bitDepth: Int = 16
    @Flag(help: "Write stage positions (with jitter) instead of site grid indices.") var positions = false
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func spec() throws -> SamplePlateSpec {
        var spec = SamplePlateSpec()
        spec.plates = plates
        if let count = Int(wells) {
            spec.wells = .count(count)
        } else {
            spec.wells = .names(wells.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        (spec.siteRows, spec.siteColumns) = try Self.pair(sites, option: "--sites")
        (spec.height, spec.width) = try Self.pair(size, option: "--size")
        spec.channels = channels
        spec.cycles = cycles
        spec.tpoints = tpoints
        spec.zplanes = zplanes
        guard let format = ImageFileFormat(rawValue: format.lowercased()) else {
            throw InputError("--format must be tiff or png, not \(format)")
        }
        spec.format = format
        spec.bitDepth = bitDepth
        spec.positions = positions
        spec.seed = seed
        do {
            try spec.validate()
        } catch {
            throw InputError("\(error)")
        }
        return spec
    }

    static func pair(_ text: String, option: String) throws -> (Int, Int) {
        let parts = text.lowercased().split(whereSeparator: { $0 == "x" || $0 == "×" })
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a > 0, b > 0 else {
            throw InputError("\(option) must look like 3x4, not \(text)")
        }
        return (a, b)
    }
}

/// Writes a sample plate, reporting progress on stderr.
enum SampleWriter {
    static func write(_ spec: SamplePlateSpec, into directory: String) throws -> SamplePlateResult {
        let started = Date()
        let reporter = ProgressLine(label: "writing sample images")
        let result = try SamplePlate.generate(spec, into: directory) { done, total in reporter.update(done, total) }
        reporter.finish(String(format: "%.1f s", Date().timeIntervalSince(started)))
        return result
    }
}
