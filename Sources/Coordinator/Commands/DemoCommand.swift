import ArgumentParser
import Foundation
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiSample

/// The embedded default in one command: a sample plate, registered in the private
/// PostgreSQL, its geometry printed.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a sample plate, register it as experiment 'demo', and print its geometry.",
        discussion: "Runs with nothing configured: a private PostgreSQL cluster and the sample live under --state-dir. Running it again reuses both.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Experiment name.") var name: String = "demo"

    func run() throws {
        let directory = URL(fileURLWithPath: global.stateDir).appendingPathComponent("demo-plate").standardizedFileURL.path
        let manifest = directory + "/manifest.csv"
        try global.withDatabase { session in
            if FileManager.default.fileExists(atPath: manifest) {
                print("sample plate: \(manifest) (already there)")
            } else {
                var spec = SamplePlateSpec()
                spec.plates = 2
                spec.wells = .count(4)
                spec.siteRows = 3
                spec.siteColumns = 3
                spec.channels = 2
                spec.cycles = 2
                let result = try SampleWriter.write(spec, into: directory)
                print("sample plate: \(result.manifestPath) (\(result.imageCount) images)")
            }
            let store = ExperimentStore(session.connection)
            if try store.exists(name) {
                print("experiment \(name): already registered")
            } else {
                _ = try CreateExperiment(logger: global.logger).run(name: name, manifest: manifest, store: store)
                print("experiment \(name): registered")
            }
            let stored = try store.load(name)
            let layout = try PlateLayout(stored.experiment.layoutSpec)
            print("")
            print(ExperimentText.summary(stored, layout: layout))
            print("")
            print("full geometry: illuminati experiment show \(name) --json" + (global.stateDir == ".illuminati" ? "" : " --state-dir \(global.stateDir)"))
        }
    }
}
