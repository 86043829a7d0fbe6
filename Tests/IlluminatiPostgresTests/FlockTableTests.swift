import Foundation
import IlluminatiTestSupport
import Testing
@testable import IlluminatiPostgres

/// Reading /proc/locks: whose shared flock keeps the private cluster in use.
@Suite(.tags(.process)) struct FlockTableTests {
    private let me = getpid()

    @Test func anotherProcessesSharedLockCounts() {
        let table = "1: POSIX  ADVISORY  WRITE 28360 fe:00:1578449 1073741824 1073742335\n"
            + "2: FLOCK  ADVISORY  READ \(me) fe:00:1991019 0 EOF\n"
            + "3: FLOCK  ADVISORY  READ 4242 fe:00:1991019 0 EOF\n"
        #expect(FlockTable.othersHoldShared(inode: 1991019, table: table))
        #expect(!FlockTable.othersHoldShared(inode: 1578449, table: table))  // a POSIX lock
        #expect(!FlockTable.othersHoldShared(inode: 199101, table: table))
    }

    @Test func ownLocksWaitingRequestsAndExclusiveLocksDoNot() {
        let table = "2: FLOCK  ADVISORY  READ \(me) fe:00:77 0 EOF\n"
            + "2: -> FLOCK  ADVISORY  WRITE 4242 fe:00:77 0 EOF\n"
            + "3: FLOCK  ADVISORY  WRITE 4343 fe:00:78 0 EOF\n"
        #expect(!FlockTable.othersHoldShared(inode: 77, table: table))
        #expect(!FlockTable.othersHoldShared(inode: 78, table: table))
        #expect(!FlockTable.othersHoldShared(inode: 77, table: nil))
    }

    /// Many locks (more than a page of /proc/locks, as on a machine running a few PostgreSQL
    /// clusters): the newest is still found.
    @Test func theWholeKernelTableIsRead() throws {
        let path = NSTemporaryDirectory() + "flock-table-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        for _ in 0..<100 {
            let fd = open(path, O_RDONLY)
            try #require(fd >= 0 && flock(fd, LOCK_SH) == 0)
            held.append(fd)
        }
        let table = try #require(FlockTable.kernelTable())
        #expect(table.utf8.count > 4096, "\(table.utf8.count) bytes")
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(table.split(separator: "\n").filter { $0.hasSuffix(":\(info.st_ino) 0 EOF") }.count >= 100)
    }

    @Test("a real shared flock of a child process is seen, and gone with it")
    func realLock() throws {
        let path = NSTemporaryDirectory() + "flock-table-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(!FlockTable.othersHoldShared(inode: UInt64(info.st_ino)))
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        // Says "locked" once it holds the lock, then waits for its input to close.
        holder.arguments = ["-s", path, "/bin/sh", "-c", "echo locked; exec cat"]
        let input = Pipe(), output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        let said = output.fileHandleForReading.availableData
        #expect(String(decoding: said, as: UTF8.self).hasPrefix("locked"))
        #expect(FlockTable.othersHoldShared(inode: UInt64(info.st_ino)))
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        #expect(!FlockTable.othersHoldShared(inode: UInt64(info.st_ino)))
    }
}
