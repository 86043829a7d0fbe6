import Foundation
import IlluminatiCore
import IlluminatiPyramid

/// Black tiles of the sizes that unwritten edge tiles have (the last column and row of a
/// level are narrower or shorter than a tile), encoded once per size and quality and kept:
/// DeepZoom and IIIF clients expect an edge tile of the edge's size, not the layer's shared
/// full-size black tile. At most `limit` are kept; past that the cache starts over, which
/// only costs encoding them again.
final class BlankTiles: @unchecked Sendable {
    private struct Key: Hashable {
        var size: PixelSize
        var quality: Int
    }

    let limit: Int
    private let lock = NSLock()
    private var encoded: [Key: TileFile] = [:]

    init(limit: Int = 512) {
        self.limit = limit
    }

    /// The entity tag names what the bytes are, so it is the same in every process.
    func tile(_ size: PixelSize, quality: Int) throws -> TileFile {
        let key = Key(size: size, quality: quality)
        if let file = lock.withLock({ encoded[key] }) { return file }
        let file = TileFile(bytes: try DeepZoomFiles.blankTile(size, quality: quality),
                            etag: "\"blank-\(size.width)x\(size.height)-q\(quality)\"")
        lock.withLock {
            if encoded.count >= limit { encoded.removeAll(keepingCapacity: true) }
            encoded[key] = file
        }
        return file
    }

    var count: Int { lock.withLock { encoded.count } }
}
