/// How a layer's output tiles are kept (`LayerLayout` names the files of each).
public enum PyramidFormat: String, Hashable, Sendable, CaseIterable, Codable {
    /// One stored ZIP per pyramid job, entries `{level}/{col}_{row}.jpg`: a build creates and
    /// renames a file per job instead of one per tile (`ShardPyramidStore`). What builds write
    /// and the server reads.
    case shards
    /// A plain DeepZoom folder, a file per tile, for static hosting (`FilePyramidStore`).
    case dzi
}
