import Foundation

/// A fresh folder under the system's temporary directory, world-traversable so that the
/// `postgres` user can reach a cluster inside it when tests run as root.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public static func make(prefix: String = "illuminati-test") -> TemporaryDirectory {
        var template = Array("\(NSTemporaryDirectory())/\(prefix)-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        chmod(path, 0o755)
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
