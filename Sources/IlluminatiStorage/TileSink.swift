import IlluminatiCore

/// Where one pyramid job puts what it renders. A job opens its own sink
/// (`PyramidStore.openSink`), writes its tiles from one thread, then either commits once,
/// when all of its work is done, or abandons the sink when it fails. What a job commits is
/// what its readers (`TileSource`) find; a job that runs again writes the same tiles again.
public protocol TileSink: AnyObject {
    /// An output tile's JPEG bytes. Black tiles are not written: readers answer them with the
    /// layer's blank tile.
    func writeTile(_ tile: TileAddress, jpeg: UnsafeRawBufferPointer) throws
    /// A lossless intermediate tile, for the jobs of the next stage.
    func writeIntermediate(_ tile: TileAddress, bytes: UnsafeRawBufferPointer) throws
    /// Publishes everything written; called once, last.
    func commit() throws
    /// Gives up what was written and not committed.
    func abandon()
}

extension TileSink {
    /// Runs `body` with the sink, then commits it; abandons it when `body` or the commit fails.
    public func committing<T>(_ body: () throws -> T) throws -> T {
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            abandon()
            throw error
        }
    }
}
