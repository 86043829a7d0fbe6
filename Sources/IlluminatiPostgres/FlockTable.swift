import Foundation

/// The kernel's table of file locks (/proc/locks), for telling a lock that another process
/// holds from one that is only being asked for.
enum FlockTable {
    /// Whether a process other than this one holds a shared flock on a file with this inode.
    /// Lines look like `1: FLOCK  ADVISORY  READ 1234 fd:01:5678 0 EOF`; waiting requests are
    /// marked `->` and are not held. False when the table cannot be read.
    static func othersHoldShared(inode: UInt64, table: String? = kernelTable()) -> Bool {
        guard let table else { return false }
        let me = String(getpid())
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK", fields[3] == "READ", fields[4] != me else { return false }
            return fields[5].split(separator: ":").last.flatMap { UInt64($0) } == inode
        }
    }

    /// /proc/locks read to its end: its size reads as 0 and `String(contentsOfFile:)` stops after
    /// the first page (about 4 KB), which a machine running a few PostgreSQL clusters exceeds.
    static func kernelTable() -> String? {
        guard let handle = FileHandle(forReadingAtPath: "/proc/locks") else { return nil }
        defer { try? handle.close() }
        return (try? handle.readToEnd()).map { String(decoding: $0 ?? Data(), as: UTF8.self) }
    }
}
