import Foundation
import IlluminatiImaging
import IlluminatiSample

/// A generated plate and its parsed manifest.
struct GeneratedPlate {
    let dir = TemporaryDirectory()
    let result: SamplePlateResult
    let header: [String]
    let rows: [[String: String]]

    init(_ spec: SamplePlateSpec) throws {
        result = try SamplePlate.generate(spec, into: dir.path)
        let lines = try String(contentsOfFile: result.manifestPath, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let columns = lines[0].split(separator: ",").map(String.init)
        header = columns
        rows = lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(columns, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    /// The single manifest row matching every given column value.
    func row(_ match: [String: String]) -> [String: String]? {
        let found = rows.filter { row in match.allSatisfy { row[$0.key] == $0.value } }
        return found.count == 1 ? found[0] : nil
    }

    func image(_ row: [String: String]) throws -> GrayImage {
        try ImageFiles.read(dir.path + "/" + row["path"]!)
    }

    /// The image of the single row matching `match`.
    func image(matching match: [String: String]) throws -> GrayImage {
        guard let row = row(match) else { throw SamplePlateError("no unique row for \(match)") }
        return try image(row)
    }
}

/// A small spec for quick debug-mode tests.
func smallSpec(_ configure: (inout SamplePlateSpec) -> Void = { _ in }) -> SamplePlateSpec {
    var spec = SamplePlateSpec()
    spec.wells = .count(1)
    spec.siteRows = 2
    spec.siteColumns = 2
    spec.height = 64
    spec.width = 64
    configure(&spec)
    return spec
}

extension GrayImage {
    /// Samples of the rectangle, as Doubles, row-major.
    func region(rows: Range<Int>, columns: Range<Int>) -> [Double] {
        var out: [Double] = []
        for y in rows { for x in columns { out.append(Double(self[y, x])) } }
        return out
    }

    var median: Double {
        let sorted = pixels.sorted()
        return Double(sorted[sorted.count / 2])
    }
}
