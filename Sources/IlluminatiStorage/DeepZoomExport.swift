import IlluminatiCore

/// What a static export is written as.
public enum ExportFormat: String, Hashable, Sendable, CaseIterable {
    /// A plain DeepZoom folder: per layer `NAME.dzi` and `NAME_files/{level}/{col}_{row}.jpg`.
    case dzi
    /// One `.szi` file: a stored ZIP of one layer's DeepZoom folder (`ExportArchive`).
    case szi

    /// Refuses more layers than one export of this format holds (a `.szi` holds one).
    public func check(layers: [String]) throws {
        if self == .szi && layers.count > 1 { throw ExportError.oneLayerPerSZI(layers) }
    }
}

/// A static export of finished layers at a path the user names, for a plain web server or an
/// object store: the layers' DeepZoom files, each tile a file (or an entry of the `.szi`).
/// What the tiles are is the caller's: DeepZoom readers ask for every tile of the grid, so an
/// export holds them all, black ones included, unlike a build.
///
/// It is written under a hidden temporary name next to the path and renamed to the path by
/// `commit`: the path holds a whole export or what it held before. A path that holds something
/// is refused unless replacing it was asked for, at the start and again at the rename.
public final class DeepZoomExport {
    public let format: ExportFormat
    /// The path as it will be, absolute.
    public var path: String { target.path }
    private let target: ExportTarget
    private let container: any ExportContainer
    private var layer: LayerLayout?
    private var done = false

    /// `protecting`: folders the path must not be or hold (besides the working folder).
    public convenience init(format: ExportFormat, path: String, replacing: Bool, protecting: [String] = []) throws {
        try self.init(format: format, target: ExportTarget(path: path, replacing: replacing, protecting: protecting))
    }

    /// `limits`: where a `.szi` starts using ZIP64 records (lowered by tests).
    init(format: ExportFormat, target: ExportTarget, limits: ZipFormat.Limits = .plain) throws {
        self.format = format
        self.target = target
        switch format {
        case .dzi: container = try ExportFolder(target)
        case .szi: container = try ExportArchive(target, limits: limits)
        }
    }

    /// Abandoned unless committed: what was written goes.
    deinit { if !done { target.discard() } }

    /// Starts the next layer with its `.dzi` (the one its build published), of `size` pixels
    /// at its base; its tiles follow. A `.szi` holds one layer.
    public func beginLayer(_ name: String, deepZoom: [UInt8], size: PixelSize) throws {
        let layout = LayerLayout(name)
        try container.beginLayer(layout, size: size)
        try deepZoom.withUnsafeBytes { try container.write(layout.deepZoom, $0) }
        layer = layout
    }

    /// A tile of the current layer.
    public func writeTile(_ tile: TileAddress, jpeg: UnsafeRawBufferPointer) throws {
        guard let layer else { throw StorageError(path: path, reason: "a tile is written before its layer") }
        try container.write(layer.tile(tile), jpeg)
    }

    /// Completes the export and renames it to its path.
    public func commit() throws {
        precondition(!done, "an export is committed once")
        done = true
        try target.publish(after: container.finish)
    }

    /// Removes what was written; the path keeps what it had.
    public func abandon() {
        guard !done else { return }
        done = true
        target.discard()
    }
}
