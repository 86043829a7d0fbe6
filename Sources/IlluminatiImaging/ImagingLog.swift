import Logging

/// Where the image readers report what the C libraries warn about (unknown TIFF tags, odd but
/// readable layouts): the process's swift-log backend, at debug level (camera software writes
/// private tags into every file), never stderr directly.
public enum ImagingLog {
    static let logger = Logger(label: "illuminati.imaging")
}
