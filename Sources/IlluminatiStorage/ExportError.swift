import IlluminatiCore

/// Why an export cannot be made as asked: each is bad input (exit status 2), what was asked
/// for fails the same way when repeated.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible, ClassifiedError {
    /// The output path holds something, and replacing it was not asked for.
    case outputExists(path: String)
    /// The output path cannot name an export: no name (`/`), or a folder an export must not
    /// replace (the working folder, the storage, or a folder above them).
    case invalidOutput(path: String, reason: String)
    /// The layer's build has not published it (no descriptor): it is being built, or never was.
    case unfinishedLayer(String)
    /// A `.szi` holds one image, as its readers expect (one `NAME/NAME.dzi`).
    case oneLayerPerSZI([String])

    public var description: String {
        switch self {
        case .outputExists(let path): "\(path) exists; --force replaces it"
        case .invalidOutput(let path, let reason): "\(path) cannot be the export's path: \(reason)"
        case .unfinishedLayer(let layer): "layer \(layer) has no finished pyramid"
        case .oneLayerPerSZI(let layers):
            "a .szi holds one layer, and \(layers.count) are asked for (\(layers.joined(separator: ", "))): "
                + "give --layers one of them (a .szi each), or --format dzi for one folder of all"
        }
    }

    public var errorClass: ErrorClass { .badInput }
}
