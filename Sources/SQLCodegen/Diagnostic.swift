/// An error in a queries file, worded for the build log: `path:line: error: message`, which
/// editors and SwiftPM show at the line.
public struct Diagnostic: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let message: String

    public var description: String { "\(path):\(line): error: \(message)" }
}
