import Foundation

/// The kernel's table of file locks (/proc/locks), for telling a lock that another process
/// holds from one that is only being asked for.
enum FlockTable {
    /// Whether a process other than this one holds a shared flock on a file with this inode.
    /// Lines look like `1: FLOCK  ADVISORY  READ 1234 fd:01:5678 0 EOF`; waiting requests are
    /// marked `->` and are not held. False when the table cannot be read.
    static func othersHoldShared(inode: UInt64, table: String? = try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) -> Bool {
        guard let table else { return false }
        let me = String(getpid())
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK", fields[3] == "READ", fields[4] != me else { return false }
            return fields[5].split(separator: ":").last.flatMap { UInt64($0) } == inode
        }
    }
}
