import IlluminatiCore
import IlluminatiImaging
import IlluminatiStorage

/// One site image of a layer and how it is placed.
public struct SiteSource: Hashable, Sendable, Codable {
    public var path: String
    /// Top-left corner in base-level pixels.
    public var offset: PixelOffset
    /// Alignment shift of this image's cycle (zero when not aligning).
    public var shift: PixelOffset
    /// Residues of the site over all cycles (`.none` when not aligning).
    public var residues: SiteResidues

    public init(path: String, offset: PixelOffset, shift: PixelOffset = PixelOffset(y: 0, x: 0),
                residues: SiteResidues = .none) {
        self.path = path
        self.offset = offset
        self.shift = shift
        self.residues = residues
    }
}

/// Everything that decides a layer's pixels.
public struct LayerSpec: Hashable, Sendable, Codable {
    public var name: String
    /// Channel whose illumination correction applies (if the context has one for it).
    public var channel: String
    public var window: IntensityWindow
    /// Later sites are drawn over earlier ones where they overlap.
    public var sites: [SiteSource]

    public init(name: String, channel: String, window: IntensityWindow, sites: [SiteSource]) {
        self.name = name
        self.channel = channel
        self.window = window
        self.sites = sites
    }
}

/// What rendering a job needs besides the job itself, as plain values: no database, no queue.
/// Built once per process (or per experiment) and shared by all jobs and threads; only the
/// image cache inside changes.
public final class RenderContext: Sendable {
    public let layout: PyramidLayout
    /// Size (and bit depth) every site image must have.
    public let expectation: ImageExpectation
    public let quality: Int
    /// Where jobs write their tiles and read the previous stage's.
    public let store: any PyramidStore
    /// Corrections by channel name; channels not listed are not corrected.
    public let corrections: [String: IlluminationCorrection]
    public let cache: ImageCache<String, GrayImage>
    let layers: [String: IndexedLayer]

    /// - Throws: `PyramidError` for duplicate layer names, a quality outside 1…100, or a
    ///   correction whose size differs from the sites'.
    public init(layout: PyramidLayout, siteSize: PixelSize, bitDepth: Int?, layers: [LayerSpec],
                corrections: [String: IlluminationCorrection] = [:], quality: Int = 95,
                store: any PyramidStore, cacheBytes: Int = 96 << 20,
                sharedCache: ImageCache<String, GrayImage>? = nil) throws {
        guard (1...100).contains(quality) else {
            throw PyramidError.unsupportedGeometry("JPEG quality \(quality) must be between 1 and 100")
        }
        for (channel, correction) in corrections where !correction.isIdentity {
            guard correction.width == siteSize.width, correction.height == siteSize.height else {
                throw PyramidError.correction(channel: channel,
                    reason: "statistics are for \(correction.height)×\(correction.width) images, the sites are \(siteSize)")
            }
        }
        var indexed: [String: IndexedLayer] = [:]
        for layer in layers {
            guard indexed[layer.name] == nil else { throw PyramidError.unsupportedGeometry("layer \(layer.name) is listed twice") }
            indexed[layer.name] = IndexedLayer(layer, siteSize: siteSize, bucket: 8 * layout.tileSize)
        }
        self.layout = layout
        self.expectation = ImageExpectation(width: siteSize.width, height: siteSize.height, bitDepth: bitDepth)
        self.quality = quality
        self.store = store
        self.corrections = corrections
        // Contexts of one process may share a cache, so that memory stays bounded by one budget.
        self.cache = sharedCache ?? ImageCache(capacityBytes: cacheBytes)
        self.layers = indexed
    }

    /// About what this context holds beyond the shared image cache: correction maps, window
    /// tables and site indexes. Workers keep contexts by this cost (`BuildJobRunner`).
    public var retainedBytes: Int {
        corrections.values.reduce(0) { $0 + $1.mapBytes } + layers.values.reduce(0) { $0 + $1.retainedBytes }
    }

    func layer(_ name: String) throws -> IndexedLayer {
        guard let layer = layers[name] else { throw PyramidError.unknownLayer(name) }
        return layer
    }

    /// The decoded site image, from the cache or the file.
    func image(_ path: String) throws -> (image: GrayImage, decoded: Bool) {
        var decoded = false
        let image = try cache.value(for: path, cost: { $0.pixels.count * 2 }) {
            decoded = true
            return try ImageFiles.read(path, expecting: expectation)
        }
        return (image, decoded)
    }
}

/// A layer with its window table and a grid index of its sites, so a job finds the sites
/// over its block without scanning all of them.
struct IndexedLayer: Sendable {
    let spec: LayerSpec
    let table: [UInt16]
    let siteSize: PixelSize
    private let bucket: Int
    private let buckets: [Bucket: [Int]]

    private struct Bucket: Hashable {
        var row: Int
        var column: Int
    }

    init(_ spec: LayerSpec, siteSize: PixelSize, bucket: Int) {
        self.spec = spec
        self.table = spec.window.fixedPointTable()
        self.siteSize = siteSize
        self.bucket = bucket
        var buckets: [Bucket: [Int]] = [:]
        for (index, site) in spec.sites.enumerated() {
            let rect = Self.rect(site, siteSize)
            guard !rect.isEmpty else { continue }
            for row in Self.floorDiv(rect.y, bucket)...Self.floorDiv(rect.y + rect.height - 1, bucket) {
                for column in Self.floorDiv(rect.x, bucket)...Self.floorDiv(rect.x + rect.width - 1, bucket) {
                    buckets[Bucket(row: row, column: column), default: []].append(index)
                }
            }
        }
        self.buckets = buckets
    }

    /// The window table and the index; the sites themselves belong to the spec, shared with the build's descriptor.
    var retainedBytes: Int {
        table.count * MemoryLayout<UInt16>.stride
            + buckets.values.reduce(0) { $0 + $1.count * MemoryLayout<Int>.stride + MemoryLayout<Bucket>.stride + 32 }
    }

    /// Sites whose image touches `rect` (base-level pixels), in drawing order.
    func sites(intersecting rect: PixelRect) -> [SiteSource] {
        guard !rect.isEmpty else { return [] }
        var found = Set<Int>()
        for row in Self.floorDiv(rect.y, bucket)...Self.floorDiv(rect.y + rect.height - 1, bucket) {
            for column in Self.floorDiv(rect.x, bucket)...Self.floorDiv(rect.x + rect.width - 1, bucket) {
                for index in buckets[Bucket(row: row, column: column)] ?? [] where Self.rect(spec.sites[index], siteSize).intersects(rect) {
                    found.insert(index)
                }
            }
        }
        return found.sorted().map { spec.sites[$0] }
    }

    static func rect(_ site: SiteSource, _ size: PixelSize) -> PixelRect {
        PixelRect(y: site.offset.y, x: site.offset.x, height: size.height, width: size.width)
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
