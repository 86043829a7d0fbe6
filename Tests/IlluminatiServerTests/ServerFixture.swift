import Foundation
import IlluminatiBuild
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiSample
import IlluminatiServer
import IlluminatiStorage
import IlluminatiTestSupport

/// One sample plate per test process: registered in a fresh database, its pyramids built into a
/// storage folder the way a build lays them out, its outlines collected, and a server on a
/// free loopback port in front of it.
struct ServerFixture: Sendable {
    let storage: String
    let experimentID: Int64
    let experimentName: String
    /// What the fixture registered, so a test can register it again in a database of its own.
    let experiment: Experiment
    let layers: [String]
    let layerIDs: [String: Int64]
    let layout: PlateLayout
    let conninfo: String
    let port: Int
    let server: RunningServer
    let wells: Int

    /// The experiment's folder on the storage.
    var files: ExperimentStorage { ExperimentStorage(root: storage, experiment: experimentName) }

    /// What the build wrote of a layer, read straight from the storage.
    func pyramid(_ layer: String) -> any TileSource { files.pyramids.source(layer: layer) }

    func descriptor(_ layer: String) throws -> LayerDescriptor {
        try JSONDecoder().decode(LayerDescriptor.self, from: Data(try document(.descriptor, of: layer)))
    }

    func storedTile(_ layer: String, level: Int, column: Int, row: Int) -> [UInt8]? {
        ((try? pyramid(layer).tile(TileAddress(level: level, row: row, column: column))) ?? nil)?.bytes
    }

    func blankTile(_ layer: String) throws -> [UInt8] {
        try document(.blankTile, of: layer)
    }

    private func document(_ document: LayerDocument, of layer: String) throws -> [UInt8] {
        guard let stored = try pyramid(layer).document(document) else { throw TestSupportError("layer \(layer) has no \(document)") }
        return stored.bytes
    }

    /// The request runs on its own thread: a blocking socket read on Swift's few cooperative
    /// threads would starve the server's handlers running in the same process.
    func get(_ path: String, method: String = "GET", headers: [String: String] = [:]) async throws -> HTTPResult {
        try await Self.get(path, port: port, method: method, headers: headers)
    }

    static func get(_ path: String, port: Int, method: String = "GET", headers: [String: String] = [:],
                    host: String? = nil) async throws -> HTTPResult {
        try await onOwnThread { try RawHTTP.request(port: port, method: method, target: path, headers: headers, host: host) }
    }

    /// Runs `body` with another server in front of the fixture's storage and database,
    /// configured by the test, and stops it afterwards.
    func withServer<T>(_ configure: (inout ServerConfiguration) throws -> Void,
                       _ body: (RunningServer) async throws -> T) async throws -> T {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, storageRoot: storage, conninfo: conninfo)
        try configure(&configuration)
        let server = try await TileServer(configuration: configuration).start(on: ServerThreads.shared)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    static let pixelSize = 0.65

    /// Builds the experiment's pyramids into `output` as the fixture's were built, unless
    /// `configure` changes the options.
    static func build(_ experiment: Experiment, layout: PlateLayout, into output: String, format: PyramidFormat = .shards,
                      _ configure: (inout BuildOptions) -> Void = { _ in }) throws {
        var options = BuildOptions()
        options.quality = 90
        options.clip = ClipRequest(upper: .percentile(99.9))
        configure(&options)
        var settings = LocalBuildSettings()
        settings.threads = 2
        settings.format = format
        _ = try LocalBuild(experiment: experiment, layout: layout, output: output, options: options, settings: settings).run()
    }

    /// The shared fixture's plate, unless `configure` changes it.
    static func make(named name: String = "served-plate", _ configure: (inout SamplePlateSpec) -> Void = { _ in })
        async throws -> ServerFixture
    {
        let root = TemporaryDirectory.make(prefix: "illuminati-serve-test").path
        var spec = SamplePlateSpec()
        spec.wells = .count(4)
        spec.siteRows = 2
        spec.siteColumns = 2
        spec.height = 200
        spec.width = 260
        spec.channels = 2
        configure(&spec)
        let sample = try SamplePlate.generate(spec, into: root + "/images")
        let experiment = try SamplePlate.experiment(named: name, manifestPath: sample.manifestPath,
                                                    directory: root + "/images")
        let layout = try PlateLayout(experiment.layoutSpec)

        let (conninfo, connection) = try TestDatabase.create()
        let id = try ExperimentStore(connection).create(experiment, layout: layout)
        try ExperimentStore(connection).setPixelSize(experimentID: id, micrometres: pixelSize)
        try MapObjectStore(connection).replace(experimentID: id, outlines: layout.mapObjectOutlines())
        let stored = try ExperimentStore(connection).load(experiment.name)

        let storage = root + "/storage"
        try build(experiment, layout: layout, into: ExperimentStorage(root: storage, experiment: experiment.name).directory)

        let server = TileServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, storageRoot: storage,
                                                                   conninfo: conninfo))
        let running = try await server.start(on: ServerThreads.shared)
        return ServerFixture(storage: storage, experimentID: id, experimentName: experiment.name, experiment: experiment,
                             layers: experiment.layers.map(\.name),
                             layerIDs: Dictionary(uniqueKeysWithValues: stored.layers.map { ($0.layer.name, $0.id) }),
                             layout: layout, conninfo: conninfo, port: running.port, server: running,
                             wells: experiment.plates.map(\.wells.count).reduce(0, +))
    }
}

/// The process's fixture, made on first use and shared by every test.
actor SharedFixture {
    static let shared = SharedFixture()
    private var making: Task<ServerFixture, any Error>?

    func get() async throws -> ServerFixture {
        // One task for every caller: an actor is re-entered at each await, so checking for a
        // finished fixture alone would make one per concurrent test.
        if let making { return try await making.value }
        let task = Task { try await ServerFixture.make() }
        making = task
        return try await task.value
    }
}

func fixture() async throws -> ServerFixture { try await SharedFixture.shared.get() }
