import ArgumentParser
import Foundation
import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiStorage

struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment", abstract: "Register, list, show and delete experiments.",
        subcommands: [Create.self, List.self, Show.self, Delete.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an experiment from a manifest (CSV or JSON, one row per site image).",
            discussion: "Every row and every image header is checked first; any problem is reported with its line number and nothing is written.")

        @Argument(help: "Experiment name (letters, digits, . _ -).") var name: String
        @Option(name: .long, help: ArgumentHelp("Manifest file (.csv or .json).", valueName: "file")) var manifest: String
        @Option(name: .long, help: ArgumentHelp("Micrometres per pixel, for the viewer's scale bar.", valueName: "µm"))
        var pixelSize: Double?
        @OptionGroup var stitch: StitchArguments
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if let pixelSize, !(pixelSize > 0 && pixelSize < 1_000_000) {
                throw ValidationError("--pixel-size must be a positive number of micrometres")
            }
        }

        func run() throws {
            try global.withDatabase { session in
                let store = ExperimentStore(session.connection)
                let (experiment, layout) = try CreateExperiment(logger: global.logger)
                    .run(name: name, manifest: manifest, pixelSize: pixelSize,
                         stitch: stitch.options, store: store) { report in
                        for line in report.lines { print(line) }
                    }
                print("created experiment \(experiment.name): \(ExperimentText.counts(experiment))")
                print("pyramid \(layout.size.height)×\(layout.size.width) px, \(layout.pyramid.depth) levels")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List experiments.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.withDatabase { session in
                let experiments = try ExperimentStore(session.connection).list()
                guard !experiments.isEmpty else { print("no experiments"); return }
                let header = ["NAME", "PLATES", "WELLS", "SITES", "CHANNELS", "IMAGES", "PYRAMID (H×W, LEVELS)", "CREATED"]
                let rows = experiments.map { e in
                    [e.name, "\(e.plates)", "\(e.wells)", "\(e.sites)", "\(e.channels)", "\(e.images)",
                     "\(e.pyramidSize.height)×\(e.pyramidSize.width), \(e.pyramidDepth)", String(e.createdAt.prefix(19))]
                }
                print(ExperimentText.table([header] + rows))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an experiment and its plate geometry.")
        @OptionGroup var experimentArgument: ExperimentArgument
        @Flag(name: .long, help: "Print the geometry as JSON.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.withDatabase { session in
                let name = try experimentArgument.name(session.connection)
                let stored = try ExperimentStore(session.connection).load(name)
                let layout = try PlateLayout(stored.experiment.layoutSpec)
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    print(String(decoding: try encoder.encode(GeometryDocument(stored, layout: layout)), as: UTF8.self))
                } else {
                    print(ExperimentText.summary(stored, layout: layout))
                }
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an experiment: its record, its builds and its pyramids (image files are not touched).",
            discussion: """
                Removes <storage>/<experiment>/, so that a new experiment of the same name starts from an \
                empty folder. Give the same --storage as to submit.
                """)
        @OptionGroup var experimentArgument: ExperimentArgument
        @OptionGroup var storageOption: StorageOption
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let storage = try storageOption.location(stateDir: global.stateDir)
            try global.withDatabase { session in
                let name = try experimentArgument.name(session.connection)
                guard try ExperimentStore(session.connection).delete(name) else { throw ExperimentStoreError.notFound(name) }
                print("deleted experiment \(name)")
                // After the record: its builds are gone, so no worker writes here any more.
                let files = storage.experiment(name)
                do {
                    guard try files.remove() else { return }
                } catch let error as StorageError {
                    throw StorageRemovalError(directory: files.directory, reason: error.reason)
                }
                print("removed \(files.directory)")
            }
        }
    }
}

/// The experiment is deleted, but its folder on the storage could not be removed.
struct StorageRemovalError: Error, CustomStringConvertible {
    var directory: String
    var reason: String
    var description: String { "the experiment was deleted, but \(directory) could not be removed: \(reason)" }
}
