/// Any failure to probe, read or write an image file.
///
/// The reason is meant for an operator reading a log of thousands of files, so it says
/// what is wrong with this file ("RGB image: 3 samples per pixel …"), not which C call failed.
public struct ImageFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `<path>: <reason>` on one line, so log lines stay greppable.
    public var description: String {
        let flat = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "\(path): \(flat)"
    }
}

/// Readers and writers throw a bare reason; the public entry points attach the path.
struct ImageFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
