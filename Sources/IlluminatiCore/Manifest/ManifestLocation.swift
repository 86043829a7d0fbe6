/// Where something is in a manifest, as a user finds it in an editor.
///
/// A CSV row is known by its line. A JSON record is known by its position in the array,
/// since `json.dump` and most other writers put many records, or all of them, on one line;
/// its line is given too, to help find it.
public struct ManifestLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1-based line where the row or record starts; 0 means the manifest as a whole.
    public var line: Int
    /// 1-based position in the JSON array of images; nil for CSV rows.
    public var record: Int?

    public init(line: Int, record: Int? = nil) {
        self.line = line
        self.record = record
    }

    public static let wholeManifest = ManifestLocation(line: 0)

    public var description: String {
        if let record { return "record \(record) (line \(line))" }
        return "line \(line)"
    }

    public static func < (a: ManifestLocation, b: ManifestLocation) -> Bool {
        (a.line, a.record ?? 0) < (b.line, b.record ?? 0)
    }
}
