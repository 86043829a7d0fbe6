import IlluminatiImaging

/// What `illuminati init` was asked for; kept with the build so that every worker renders
/// with the same settings and `info` can show them.
public struct BuildOptions: Hashable, Sendable, Codable {
    /// Layer names to build; nil builds every layer of the experiment.
    public var layers: [String]?
    /// Site images per statistics job, and about as many tiles per pyramid job
    /// (rounded down to a square power of two; TissueMAPS' `--batch-size`).
    public var batchSize = 100
    public var align = false
    public var illumcorr = false
    public var clip = ClipRequest()
    public var quality = 95
    /// At most this many images (evenly spaced) are counted for a layer's percentiles.
    public var histogramImages = 1000

    public init() {}

    public func validate() throws {
        guard (1...100_000).contains(batchSize) else { throw BuildError.invalidOption("--batch-size must be between 1 and 100000") }
        guard (1...100).contains(quality) else { throw BuildError.invalidOption("--quality must be between 1 and 100") }
        guard histogramImages >= 1 else { throw BuildError.invalidOption("the histogram needs at least one image") }
    }
}
