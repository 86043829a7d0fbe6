import ArgumentParser
import Foundation
import IlluminatiCore
import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiDatabase
import IlluminatiImaging
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiSample
import IlluminatiStorage

/// The embedded default in one command: a sample plate, registered in the private
/// PostgreSQL, built with illumination correction and alignment by two local workers,
/// collected, and shown in the web viewer.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a sample plate, register it as experiment 'demo', build its pyramids, collect, and serve the viewer.",
        discussion: """
            Runs with nothing configured: a private PostgreSQL cluster, the sample and the tiles live \
            under --state-dir. Running it again reuses all three (a finished build is not redone). \
            Ends by serving the viewer (see `serve`) until interrupted, unless --no-serve.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var storageOption: StorageOption
    @Option(help: "Experiment name.") var name: String = "demo"
    @Option(help: "Local worker processes (0: workers are started elsewhere).") var workers: Int = 2
    @Flag(inversion: .prefixedNo, help: "Serve the viewer when the build is done.") var serve: Bool = true
    @OptionGroup var serveOptions: ServeOptions

    func validate() throws {
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more") }
    }

    func run() throws {
        let directory = URL(fileURLWithPath: global.stateDir).appendingPathComponent("demo-plate").standardizedFileURL.path
        let manifest = directory + "/manifest.csv"
        try StateFolder.ensure(URL(fileURLWithPath: global.stateDir).standardizedFileURL.path)
        try StateFolder.ensurePrivate(directory)
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
                _ = try CreateExperiment(logger: global.logger)
                    .run(name: name, manifest: manifest, pixelSize: SamplePlateSpec.pixelSizeMicrometres, store: store)
                print("experiment \(name): registered")
            }
            let stored = try store.load(name)
            let layout = try PlateLayout(stored.experiment.layoutSpec)
            print("")
            print(ExperimentText.summary(stored, layout: layout))
            print("")
            print("full geometry: illuminati experiment show \(name) --json" + (global.stateDir == ".illuminati" ? "" : " --state-dir \(global.stateDir)"))
            print("")
            let storage = try storageOption.root(stateDir: global.stateDir)
            try build(stored, session: session, storage: storage)
            guard serve else { return }
            print("")
            try ServeViewer(serveOptions, storage: storage, conninfo: session.conninfo, logger: global.logger)
                .run(path: "/?experiment=\(stored.id)", note: "(Ctrl-C stops)")
        }
    }

    private func build(_ stored: StoredExperiment, session: DatabaseSession, storage: StorageRoot) throws {
        let latest = try BuildStore(session.connection).latestBuild(experiment: stored.id)
        if latest == nil || latest?.state == .cancelled || latest?.cleanedUpAt != nil {
            var options = BuildOptions()
            options.illumcorr = true
            options.align = true
            options.clip = ClipRequest(upper: .percentile(99.9))
            let outcome = try PlanBuild.showingProgress(logger: global.logger)
                .run(experimentName: name, options: options, connection: session.connection)
            print("build \(outcome.build): planned \(outcome.plan.jobCount) jobs (illumination correction, alignment, clip at 99.9 %)")
        }
        let local = workers > 0 ? try LocalWorkers.guarded() : nil
        try local?.start(count: workers, conninfo: session.conninfo, storage: storage, logLevel: global.log.level.rawValue)
        defer { local?.stop() }
        if local == nil { print("waiting for workers (illuminati-worker with the same database and --storage \(storage.path))") }
        let started = Date()
        let drive = DriveBuild(connection: session.connection, conninfo: session.conninfo, logger: global.logger, interval: .milliseconds(500), depth: 1,
                               outputs: storage.experiment(name),
                               display: ProgressView())
        switch try drive.run(stored, workers: local) {
        case .succeeded(let build):
            let counts = try CollectMapObjects.afterDrive(stored, session: session, logger: global.logger)
            let files = storage.experiment(name)
            print("build \(build): done in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; map objects: " + counts)
            print("tiles: \(files.directory)")
            for layer in stored.experiment.layers { print("  \(files.path(LayerLayout(layer.name).deepZoom))") }
        case .cancelled(let build):
            throw InputError("build \(build) was cancelled")
        case .stuck(let build, let failures):
            throw InputError("build \(build): \(failures.count) job(s) failed: " + failures.prefix(3).map(\.lastError).joined(separator: "; "))
        }
    }
}
