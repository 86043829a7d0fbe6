import IlluminatiCore

/// The pyramids of one experiment, behind one seam: jobs write through sinks, readers read
/// through sources, and the layer's finish publishes it. `ExperimentStorage.pyramids` says
/// which implementation an experiment's folder holds.
public protocol PyramidStore: Sendable {
    /// A sink for one job of `layer`. `job` names the job's output: unique within the layer
    /// and the same on every attempt of the job.
    func openSink(layer: String, job: String) throws -> any TileSink
    /// Removes what the job whose output is named `job` wrote in an earlier run, before it
    /// runs again (`illuminati run --job` without `--assume-clean-state`): its `tiles` (every
    /// tile it renders), the `intermediates` it writes, and what a killed attempt of it left.
    func removeJobOutput(layer: String, job: String, tiles: [TileAddress], intermediates: [TileAddress]) throws
    /// What readers of `layer` use.
    func source(layer: String) -> any TileSource
    /// Publishes a layer whose tiles all exist: its `.dzi`, blank tile and descriptor (a
    /// reader that sees the descriptor sees a complete pyramid), then drops its intermediate
    /// tiles unless they are kept, and what killed writers left behind.
    func finishLayer(_ layer: String, documents: LayerDocuments, keepingIntermediates: Bool) throws
    /// Removes everything of `layer`, so that a new build of it starts from nothing.
    func removeLayer(_ layer: String) throws
}

/// The files a layer's finish publishes, as bytes.
public struct LayerDocuments: Sendable {
    public var deepZoom: [UInt8]
    public var blankTile: [UInt8]
    public var descriptor: [UInt8]

    public init(deepZoom: [UInt8], blankTile: [UInt8], descriptor: [UInt8]) {
        self.deepZoom = deepZoom
        self.blankTile = blankTile
        self.descriptor = descriptor
    }
}
