import Foundation

/// A fresh folder under the system's temporary directory, world-traversable so that the
/// `postgres` user can reach a cluster inside it when tests run as root. Unless told
/// otherwise it is removed when the test process exits, so fixtures shared by a whole process
/// (and tests that stop early) leave nothing behind.
public struct TemporaryDirectory: Sendable {
    public let path: String

    /// `mode` 0o700 gives a folder like `mktemp -d` or /root, which the `postgres` user cannot enter.
    public static func make(prefix: String = "illuminati-test", removeAtExit: Bool = true,
                            mode: mode_t = 0o755) -> TemporaryDirectory {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("\(prefix)-XXXXXX").utf8CString)
        let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        chmod(path, mode)
        if removeAtExit { ExitCleanup.register(path) }
        return TemporaryDirectory(path: path)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    public func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Folders to remove when the process exits.
private enum ExitCleanup {
    nonisolated(unsafe) private static var paths: [String] = []
    private static let lock = NSLock()
    private static let installed: Bool = {
        atexit { ExitCleanup.removeAll() }
        return true
    }()

    static func register(_ path: String) {
        _ = installed
        lock.withLock { paths.append(path) }
    }

    static func removeAll() {
        for path in lock.withLock({ paths }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
