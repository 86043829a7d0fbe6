/// One row of a manifest before interpretation: its column values as text, and the line it
/// starts on (1-based, counting the header), so every problem can point at it.
public struct ManifestRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String: String]
    public init(line: Int, fields: [String: String]) { self.line = line; self.fields = fields }
}

/// A problem found in a manifest; line 0 means the manifest as a whole.
public struct ManifestProblem: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public init(line: Int, _ message: String) { self.line = line; self.message = message }

    public var description: String { line > 0 ? "line \(line): \(message)" : message }

    public static func < (a: ManifestProblem, b: ManifestProblem) -> Bool { (a.line, a.message) < (b.line, b.message) }
}

/// Every problem of a manifest, reported together so that one fix-and-retry cycle suffices.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var problems: [ManifestProblem]
    public init(source: String, problems: [ManifestProblem]) { self.source = source; self.problems = problems.sorted() }

    /// How many problems are listed before the rest are summarised.
    public static let listed = 200

    public var description: String {
        let count = problems.count
        var text = "manifest \(source) has \(count) problem\(count == 1 ? "" : "s"); nothing was written:"
        for problem in problems.prefix(Self.listed) { text += "\n  \(problem)" }
        if count > Self.listed { text += "\n  … and \(count - Self.listed) more" }
        return text
    }
}

public enum ManifestFormat: String, Sendable, CaseIterable {
    case csv, json

    /// By file extension: `.json` is JSON, anything else CSV.
    public init(path: String) {
        self = path.lowercased().hasSuffix(".json") ? .json : .csv
    }
}
