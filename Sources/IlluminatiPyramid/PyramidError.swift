import IlluminatiCore

/// Why a pyramid cannot be planned or a job cannot be rendered. Every case that concerns a
/// file names it; image files that cannot be read fail with `ImageFileError` instead, and
/// files of the storage that cannot be written with `StorageError`.
public enum PyramidError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupportedGeometry(String)
    case invalidJob(job: String, reason: String)
    case unknownLayer(String)
    /// Statistics for a channel that is to be corrected are missing or do not fit its images.
    case correction(channel: String, reason: String)
    /// An intermediate tile a job needs is missing or damaged.
    case intermediate(path: String, reason: String)

    public var description: String {
        switch self {
        case .unsupportedGeometry(let reason): "cannot build a DeepZoom pyramid: \(reason)"
        case .invalidJob(let job, let reason): "job \(job): \(reason)"
        case .unknownLayer(let name): "unknown layer \(name)"
        case .correction(let channel, let reason): "illumination correction of channel \(channel): \(reason)"
        case .intermediate(let path, let reason): "\(path): \(reason)"
        }
    }
}

extension PyramidError: ClassifiedError {
    /// Missing or damaged intermediate tiles may be fine on the next try;
    /// a job that does not describe its work (`invalidJob`) is a failure of whoever planned it.
    public var errorClass: ErrorClass {
        switch self {
        case .unknownLayer, .unsupportedGeometry, .correction: .badInput
        case .invalidJob, .intermediate: .failure
        }
    }
}
