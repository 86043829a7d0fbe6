import IlluminatiCore

/// How readers find one layer's stored files: the tile server (output tiles and the files a
/// layer's finish publishes) and the jobs of the next stage (intermediate tiles).
public protocol TileSource: Sendable {
    /// An output tile; nil when it was not written (it is black).
    func tile(_ tile: TileAddress) throws -> StoredFile?
    /// Whether an output tile was written.
    func containsTile(_ tile: TileAddress) -> Bool
    /// An intermediate tile; nil when no job wrote it.
    func intermediate(_ tile: TileAddress) throws -> StoredFile?
    /// Where an intermediate tile is kept, for messages that name it.
    func intermediateLocation(_ tile: TileAddress) -> String
    /// A file the layer's finish published; nil until then.
    func document(_ document: LayerDocument) throws -> StoredFile?
}
