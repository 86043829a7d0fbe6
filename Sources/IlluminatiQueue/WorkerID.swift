import Foundation
import IlluminatiPostgres

/// A worker process's identity: a fresh random UUID per process start, so a restarted worker
/// never inherits the leases of the process it replaces.
public struct WorkerID: Hashable, Sendable, CustomStringConvertible, SQLBindable {
    public let rawValue: String

    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        rawValue = uuid.uuidString.lowercased()
    }

    public static func random() -> WorkerID { WorkerID(trusted: UUID().uuidString.lowercased()) }

    init(trusted: String) { rawValue = trusted }

    public var description: String { rawValue }
    public var sqlValue: SQLValue { SQLValue(text: rawValue) }
}
