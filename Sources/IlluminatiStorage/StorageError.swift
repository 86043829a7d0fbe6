import Foundation
import IlluminatiCore

/// A file or folder of the storage cannot be made, written, read or removed, or a link was
/// found where illuminati makes folders. Retried by the queue: a full disk or a lost mount
/// may be fine on the next try.
public struct StorageError: Error, Sendable, Equatable, CustomStringConvertible, ClassifiedError {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `reason` followed by the text of the current `errno`.
    static func system(_ path: String, _ reason: String, code: Int32 = errno) -> StorageError {
        StorageError(path: path, reason: "\(reason): \(String(cString: strerror(code)))")
    }

    public var description: String { "\(path): \(reason)" }
    public var errorClass: ErrorClass { .failure }
}
