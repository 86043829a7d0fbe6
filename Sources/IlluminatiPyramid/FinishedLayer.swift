import Foundation
import IlluminatiCore
import IlluminatiStorage

/// A layer whose build has published it (`PyramidStore.finishLayer`), as an export reads it:
/// its descriptor and `.dzi`, and its tiles through the layer's `TileSource`.
public struct FinishedLayer {
    public let name: String
    public let tiles: any TileSource
    public let descriptor: LayerDescriptor
    public let layout: PyramidLayout
    /// The `.dzi` its finish published.
    public let deepZoom: [UInt8]

    /// Throws `ExportError.unfinishedLayer` when the layer's descriptor or `.dzi` is missing:
    /// its build has not finished it (the descriptor is published last).
    public init(name: String, tiles: any TileSource) throws {
        guard let descriptorFile = try tiles.document(.descriptor), let deepZoom = try tiles.document(.deepZoom) else {
            throw ExportError.unfinishedLayer(name)
        }
        let path = LayerLayout(name).descriptor
        let descriptor: LayerDescriptor
        do {
            descriptor = try JSONDecoder().decode(LayerDescriptor.self, from: Data(descriptorFile.bytes))
        } catch {
            throw StorageError(path: path, reason: "not a layer descriptor: \(error)")
        }
        guard let layout = descriptor.pyramidLayout else {
            throw StorageError(path: path, reason: "its levels are not the ones its size and tile size give")
        }
        self.name = name
        self.tiles = tiles
        self.descriptor = descriptor
        self.layout = layout
        self.deepZoom = deepZoom.bytes
    }

    /// Every tile of every level: what a DeepZoom reader may ask for.
    public var tileCount: Int {
        (0...layout.maxLevel).map { layout.tiles(level: $0) }.map { $0.rows * $0.columns }.reduce(0, +)
    }
}
