import ArgumentParser
import Foundation
import IlluminatiCommandLine
import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiCore
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiStorage
import Logging

extension PyramidOutputFormat: ExpressibleByArgument {}

struct PyramidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pyramid",
        abstract: "Build DeepZoom pyramids from a manifest on this machine, without a database.",
        discussion: """
            Writes OUTPUT/LAYER.dzi, OUTPUT/LAYER.json (geometry, window, correction, TissueMAPS zoom \
            offset) and the tiles {level}/{col}_{row}.jpg; black tiles are not written, a blank.jpg \
            stands for them. With --format shards (the default, what `submit` writes and `serve` \
            reads) the tiles are entries of stored ZIP files, one per job, \
            OUTPUT/LAYER_shards/{level}-{col}_{row}.zip, and the blank tile is \
            OUTPUT/LAYER_shards/blank.jpg: a build creates a file per job instead of one per tile. \
            With --format dzi they are a plain DeepZoom folder, OUTPUT/LAYER_files/, for static hosting. \
            With --format szi the shards are written, then each layer is exported to OUTPUT/LAYER.szi, \
            one stored ZIP of its DeepZoom folder with every tile (as `illuminati export` writes it).

            Intensity window: raw samples v in [lower, upper] become bytes \
            clamp(floor((v - lower) * 255 / (upper - lower) + 1/2), 0, 255). Without --clip options the \
            window is the whole bit depth; --clip-lower L --clip-value U gives exactly [L, U]; \
            --clip-percent P takes the P-th percentile of the layer's samples as upper (at least \
            lower + 255) and, unless --clip-lower is given, the 0.001-th percentile as lower.
            """)

    @Option(name: .long, help: ArgumentHelp("Manifest file (.csv or .json).", valueName: "file"))
    var manifest: String

    @Option(name: .long, help: ArgumentHelp("Output folder.", valueName: "dir"))
    var output: String

    @OptionGroup var stitch: StitchArguments

    @Option(name: .long, help: "How tiles are kept: shards (stored ZIPs, one per job), dzi (a file per tile) or szi (shards, and a LAYER.szi each).")
    var format: PyramidOutputFormat = .shards

    @Option(name: .long, help: ArgumentHelp("Layers to build, comma-separated (default: all).", valueName: "A,B"))
    var layers: String?

    @Option(name: .long, help: "JPEG quality (1-100).")
    var quality: Int = 95

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .long, help: "Clip at the 99.9th percentile (as TissueMAPS --clip).")
    var clip = false

    @Option(name: .long, help: ArgumentHelp("Clip at this percentile of the layer's samples.", valueName: "P"))
    var clipPercent: Double?

    @Option(name: .long, help: ArgumentHelp("Clip at this raw value (upper end of the window).", valueName: "V"))
    var clipValue: Int?

    @Option(name: .long, help: ArgumentHelp("Raw value shown as black (lower end of the window).", valueName: "V"))
    var clipLower: Int?

    @Flag(name: .long, help: "Correct illumination with statistics computed from each channel's images (written to OUTPUT/illumstats/).")
    var illumcorr = false

    @Option(name: .long, help: ArgumentHelp("Correct illumination with these statistics files or folders (repeatable).", valueName: "path"))
    var illumcorrStats: [String] = []

    @Flag(name: .long, help: "Align cycles with the manifest's shifts (shift and residue crop).")
    var align = false

    @Option(name: .long, help: "Tiles per job, rounded down to a square power of two; site images per statistics job (at most 32).")
    var batchSize: Int = 64

    @Option(name: .long, help: ArgumentHelp("Decoded-image cache size in MiB.", valueName: "MiB"))
    var cacheMb: Int = 96

    @Flag(name: .long, help: "Keep the lossless intermediate tiles (LAYER_intermediate/).")
    var keepIntermediate = false

    @OptionGroup var log: LogLevelOptions

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be between 1 and 100") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard cacheMb >= 0 else { throw ValidationError("--cache-mb must not be negative") }
        if clipPercent != nil && clipValue != nil {
            throw ValidationError("give --clip-percent or --clip-value, not both")
        }
        if let clipPercent, !(clipPercent > 0 && clipPercent <= 100) {
            throw ValidationError("--clip-percent must be in (0, 100]")
        }
        for (name, value) in [("--clip-value", clipValue), ("--clip-lower", clipLower)] {
            if let value, !(0...65535).contains(value) { throw ValidationError("\(name) must be between 0 and 65535") }
        }
    }

    func run() throws {
        log.bootstrap()
        AllocatorTuning.keepLargeBuffersMapped()
        var options = BuildOptions()
        options.layers = LayerNames.parse(layers)
        options.quality = quality
        options.align = align
        options.batchSize = batchSize
        // Statistics files given replace statistics computed by the build.
        options.illumcorr = illumcorr && illumcorrStats.isEmpty
        if let clipValue {
            options.clip = ClipRequest(upper: .value(clipValue), lower: clipLower)
        } else if let clipPercent {
            options.clip = ClipRequest(upper: .percentile(clipPercent), lower: clipLower)
        } else if clip {
            options.clip = ClipRequest(upper: .percentile(99.9), lower: clipLower)
        } else {
            options.clip = ClipRequest(upper: .none, lower: clipLower)
        }
        var settings = LocalBuildSettings()
        settings.threads = threads
        settings.cacheBytes = cacheMb << 20
        settings.keepIntermediate = keepIntermediate
        settings.format = format.storage
        let directory = FileManager.default.currentDirectoryPath
        let reporter = PhaseProgress()
        let builder = BuildPyramidLocally(logger: Logger(label: "illuminati")) { phase, done, total in
            reporter.update(phase, done, total)
        }
        let summary = try builder.run(manifest: manifest, stitch: stitch.options, output: output, options: options,
                                      statisticsInputs: illumcorrStats.map { Manifest.resolvePath($0, relativeTo: directory) },
                                      settings: settings) { report in
            for line in report.lines { print(line) }
        }
        if format == .szi { _ = try builder.exportSZI(output: output, layers: summary.layers) }
        reporter.finishAll()
        for file in summary.statisticsFiles { print("illumination statistics: \(file)") }
        for layer in summary.layers {
            let files = [LayerLayout(layer).deepZoom] + (format == .szi ? [LayerLayout(layer).szi] : [])
            print("layer \(layer): window \(summary.windows[layer].map(\.description) ?? "?"), \(files.joined(separator: ", "))")
        }
        let result = summary.result
        print("pyramid: layers=\(summary.layers.count) tiles=\(result.tilesWritten) blank=\(result.blankTiles) "
              + "bytes=\(result.bytesWritten) jobs=\(summary.jobs) stages=\(summary.stages) "
              + "images_decoded=\(result.imagesDecoded) seconds=\(String(format: "%.3f", summary.seconds))")
    }
}
