import ArgumentParser
import Foundation
import IlluminatiCoordinator
import IlluminatiStorage

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an experiment's finished layers as a static DeepZoom folder or a .szi file.",
        discussion: """
            --format dzi writes the folder OUTPUT with LAYER.dzi and LAYER_files/{level}/{col}_{row}.jpg for \\
            each layer, for any static file server; --format szi writes the file OUTPUT, one stored ZIP of \\
            one layer's DeepZoom folder (LAYER/LAYER.dzi, LAYER/LAYER_files/…, LAYER/scan-properties.xml), \\
            as `vips dzsave --container szi` does. Every tile is written, black ones as black tiles of their \\
            size. OUTPUT appears whole when done (it is written under a hidden temporary name beside it); \\
            an existing OUTPUT is refused unless --force. Exit status 2 for an unknown experiment or layer, \\
            a build that has not finished, or an OUTPUT that exists.
            """)

    @OptionGroup var experimentArgument: ExperimentArgument

    @Option(name: .long, help: ArgumentHelp("Layers to export, comma-separated (default: all).", valueName: "A,B"))
    var layers: String?

    // Checked by the command rather than the parser, so that a wrong value exits 2 as bad input.
    @Option(name: .long, help: ArgumentHelp("dzi (a DeepZoom folder) or szi (one file of one layer).", valueName: "dzi|szi"))
    var format: String?

    @Option(name: .long, help: ArgumentHelp("The folder (dzi) or file (szi) to write.", valueName: "path"))
    var output: String?

    @Flag(name: .long, help: "Replace OUTPUT when it exists.")
    var force = false

    @OptionGroup var storageOption: StorageOption
    @OptionGroup var global: GlobalOptions

    func run() throws {
        guard let formatName = format else { throw InputError("--format dzi or --format szi is required") }
        guard let exportFormat = ExportFormat(rawValue: formatName) else {
            throw InputError("unknown format \(formatName.prefix(64)): --format is dzi or szi")
        }
        guard let output, !output.isEmpty else { throw InputError("--output PATH is required: the folder (dzi) or file (szi) to write") }
        let storage = try storageOption.location(stateDir: global.stateDir)
        let reporter = PhaseProgress()
        let summary = try global.withDatabase { session in
            let experiment = try experimentArgument.name(session.connection)
            return try ExportExperiment(connection: session.connection, storage: storage) { done, total in
                reporter.update("export", done, total)
            }.run(experiment: experiment, layers: LayerNames.parse(layers), format: exportFormat, output: output, replacing: force)
        }
        reporter.finishAll()
        print("export: \(summary.path) format=\(exportFormat.rawValue) layers=\(summary.layers) tiles=\(summary.tiles) "
              + "blank=\(summary.blankTiles) bytes=\(summary.bytes)")
    }
}
