/// One row of a manifest before interpretation: its column values as text, and where it
/// is (the line it starts on, 1-based counting the header; for JSON also its position in the
/// array), so every problem can point at it.
public struct ManifestRecord: Sendable, Equatable {
    public var location: ManifestLocation
    public var fields: [String: String]
    public init(_ location: ManifestLocation, fields: [String: String]) { self.location = location; self.fields = fields }
    public init(line: Int, fields: [String: String]) { self.init(ManifestLocation(line: line), fields: fields) }
    public var line: Int { location.line }
}

/// A problem found in a manifest; line 0 means the manifest as a whole.
public struct ManifestProblem: Error, Sendable, Equatable, Comparable, CustomStringConvertible {
    public var location: ManifestLocation
    public var message: String
    public init(_ location: ManifestLocation, _ message: String) { self.location = location; self.message = message }
    public init(line: Int, _ message: String) { self.init(ManifestLocation(line: line), message) }

    public var line: Int { location.line }
    public var record: Int? { location.record }

    public var description: String { line > 0 ? "\(location): \(message)" : message }

    public static func < (a: ManifestProblem, b: ManifestProblem) -> Bool {
        (a.location, a.message) < (b.location, b.message)
    }
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
        // Each line names the file, so that it reads on its own in a log or after grep.
        let file = source.split(separator: "/").last.map(String.init) ?? source
        for problem in problems.prefix(Self.listed) { text += "\n  \(file): \(problem)" }
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

extension ManifestError: ClassifiedError {
    public var errorClass: ErrorClass { .badInput }
}
