/// One image file of a manifest, its values checked and typed.
public struct ManifestEntry: Sendable, Equatable {
    public enum Position: Sendable, Equatable {
        /// Zero-based row and column in the well's site grid.
        case grid(y: Int, x: Int)
        /// Zero-based acquisition-order index in the well; the grid comes from `StitchOptions`.
        case order(Int)
        /// Microscope stage coordinates; the grid is worked out per well.
        case stage(StagePosition)
    }

    /// Where the row or record is, for messages.
    public var location: ManifestLocation
    /// Zero-based position among the manifest's records: unique, unlike the line, since a
    /// JSON manifest may hold many records on one line.
    public var ordinal: Int
    /// Absolute path (a relative path in the manifest is relative to the manifest's folder).
    public var path: String
    public var plate: String
    public var well: WellName
    public var position: Position
    public var channel: String
    public var cycle: Int
    public var tpoint: Int
    public var zplane: Int
    public var shift: PixelOffset?

    public var line: Int { location.line }
}

/// The manifest format: one row per 2-D site image.
///
/// | column | required | meaning |
/// |---|---|---|
/// | path | yes | image file (TIFF or PNG), relative to the manifest's folder or absolute |
/// | plate | yes | plate name |
/// | well | yes | `A01` … `P24` |
/// | site_y, site_x | one pair | zero-based site row and column in the well, 0…9 999 |
/// | site | or this | zero-based acquisition-order index in the well, 0…999 999, laid out by `StitchOptions` |
/// | stage_y, stage_x | one pair | stage position (any unit, y downwards, at most 10¹² from 0) instead of site_y/site_x |
/// | channel | yes | channel name (letters, digits, `._+-`) |
/// | cycle, tpoint, zplane | no (0) | zero-based indices: 0…999, 0…99 999, 0…9 999 |
/// | shift_y, shift_x | no | this site's shift in this cycle, pixels: the image shows scene(r + y, c + x); smaller than the site |
///
/// The ranges are `ManifestLimits`.
public enum Manifest {
    public static let requiredColumns = ["path", "plate", "well", "channel"]
    public static let optionalColumns = ["site", "site_y", "site_x", "stage_y", "stage_x", "cycle", "tpoint", "zplane", "shift_y", "shift_x"]

    /// Parses and checks every row; returns the good entries and every problem found.
    public static func entries(text: String, format: ManifestFormat, directory: String)
        -> (entries: [ManifestEntry], problems: [ManifestProblem])
    {
        let (records, readProblems) = format == .csv ? CSVReader.records(text) : JSONReader.records(text)
        var problems = readProblems
        if records.isEmpty && problems.isEmpty { problems.append(ManifestProblem(line: 0, "the manifest lists no images")) }
        let known = Set(requiredColumns + optionalColumns)
        let present = records.reduce(into: Set<String>()) { $0.formUnion($1.fields.keys) }
        let unknown = present.subtracting(known).sorted()
        if !unknown.isEmpty {
            problems.append(ManifestProblem(line: format == .csv ? 1 : 0,
                "unknown column\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", ")) (known: \((requiredColumns + optionalColumns).joined(separator: ", ")))"))
        }
        let absent = requiredColumns.filter { !present.contains($0) }
        let hasPosition = ["site", "site_y", "site_x", "stage_y", "stage_x"].contains(where: present.contains)
        if !records.isEmpty && (!absent.isEmpty || !hasPosition) {
            var missing = absent
            if !hasPosition { missing.append("site_y and site_x (or site, or stage_y and stage_x)") }
            problems.append(ManifestProblem(line: format == .csv ? 1 : 0, "missing column\(missing.count > 1 ? "s" : ""): \(missing.joined(separator: ", "))"))
            return ([], problems)
        }
        var entries: [ManifestEntry] = []
        for (ordinal, record) in records.enumerated() {
            var rowProblems: [String] = []
            if let entry = entry(record, ordinal: ordinal, directory: directory, problems: &rowProblems) { entries.append(entry) }
            problems += rowProblems.map { ManifestProblem(record.location, $0) }
        }
        return (entries, problems.sorted())
    }

    static func entry(_ record: ManifestRecord, ordinal: Int, directory: String, problems: inout [String]) -> ManifestEntry? {
        let fields = record.fields
        let before = problems.count
        func required(_ column: String) -> String? {
            guard let value = fields[column] else { problems.append("no value for \(column)"); return nil }
            return value
        }
        func integer(_ column: String, in range: ClosedRange<Int>, default fallback: Int?) -> Int? {
            guard let text = fields[column] else {
                if fallback == nil { problems.append("no value for \(column)") }
                return fallback
            }
            switch ManifestNumber.whole(text, in: range) {
            case .success(let value): return value
            case .failure(let problem): problems.append("\(column) \(problem)"); return nil
            }
        }
        func decimal(_ column: String) -> Double? {
            guard let text = fields[column] else { problems.append("no value for \(column)"); return nil }
            guard let value = Double(text), value.isFinite else {
                problems.append("\(column) must be a number, not \"\(text)\"")
                return nil
            }
            guard value.magnitude <= ManifestLimits.stageMagnitude else {
                problems.append("\(column) must be between -1e12 and 1e12, not \(text)")
                return nil
            }
            return value
        }

        let path = required("path")
        let plate = required("plate")
        if let plate, plate.count > 200 || plate.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            problems.append("plate name must be at most 200 printable characters")
        }
        var well: WellName?
        if let text = required("well") {
            well = WellName(text)
            if well == nil {
                problems.append("bad well name \"\(text)\" (expected a row letter A–P and a two-digit column 01–24, e.g. A01)")
            }
        }
        let channel = required("channel")
        if let channel, !isValidChannelName(channel) {
            problems.append("bad channel name \"\(channel)\" (letters, digits and . _ + - only, at most 64, starting with a letter or digit)")
        }
        var position: ManifestEntry.Position?
        let givesGrid = fields["site_y"] != nil || fields["site_x"] != nil
        let givesStage = fields["stage_y"] != nil || fields["stage_x"] != nil
        if fields["site"] != nil {
            if givesGrid || givesStage {
                problems.append("give either site or \(givesGrid ? "site_y and site_x" : "stage_y and stage_x"), not both")
            } else if let index = integer("site", in: ManifestLimits.siteOrder, default: nil) {
                position = .order(index)
            }
        } else if givesGrid {
            // Both read before either is tested, so that a problem in each is reported.
            let y = integer("site_y", in: ManifestLimits.siteIndex, default: nil)
            let x = integer("site_x", in: ManifestLimits.siteIndex, default: nil)
            if let y, let x { position = .grid(y: y, x: x) }
        } else if givesStage {
            let y = decimal("stage_y"), x = decimal("stage_x")
            if let y, let x { position = .stage(StagePosition(y: y, x: x)) }
        } else {
            problems.append("no site position: give site_y and site_x, site, or stage_y and stage_x")
        }
        let cycle = integer("cycle", in: ManifestLimits.cycle, default: 0)
        let tpoint = integer("tpoint", in: ManifestLimits.tpoint, default: 0)
        let zplane = integer("zplane", in: ManifestLimits.zplane, default: 0)
        var shift: PixelOffset?
        if fields["shift_y"] != nil || fields["shift_x"] != nil {
            let y = integer("shift_y", in: ManifestLimits.shift, default: nil)
            let x = integer("shift_x", in: ManifestLimits.shift, default: nil)
            if let y, let x { shift = PixelOffset(y: y, x: x) }
        }
        guard problems.count == before, let path, let plate, let well, let channel, let position,
              let cycle, let tpoint, let zplane else { return nil }
        return ManifestEntry(location: record.location, ordinal: ordinal, path: resolvePath(path, relativeTo: directory), plate: plate, well: well,
                             position: position, channel: channel, cycle: cycle, tpoint: tpoint, zplane: zplane, shift: shift)
    }

    public static func isValidChannelName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 64 else { return false }
        func plain(_ s: Unicode.Scalar) -> Bool {
            s.isASCII && (("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s))
        }
        return plain(scalars[0]) && scalars.allSatisfy { plain($0) || $0 == "." || $0 == "_" || $0 == "+" || $0 == "-" }
    }

    /// `path` made absolute against `directory`, with `.` and `..` components removed.
    public static func resolvePath(_ path: String, relativeTo directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
