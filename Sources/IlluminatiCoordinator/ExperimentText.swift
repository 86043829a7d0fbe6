import IlluminatiCore
import IlluminatiDatabase
import IlluminatiPostgres

/// Plain-text renderings of experiments for the terminal.
public enum ExperimentText {
    public static func counts(_ experiment: Experiment) -> String {
        let wells = experiment.plates.reduce(0) { $0 + $1.wells.count }
        let sites = experiment.plates.reduce(0) { $0 + $1.wells.reduce(0) { $0 + $1.sites.count } }
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        return [plural(experiment.plates.count, "plate"), plural(wells, "well"), plural(sites, "site"),
                plural(experiment.channels.count, "channel"), plural(experiment.cycles.count, "cycle"),
                plural(experiment.images.count, "image")].joined(separator: ", ")
            + "; sites \(experiment.siteSize.height)×\(experiment.siteSize.width) px, \(experiment.bitDepth)-bit"
    }

    public static func summary(_ stored: StoredExperiment, layout: PlateLayout) -> String {
        let experiment = stored.experiment
        var lines = [
            "experiment \(experiment.name) (created \(stored.createdAt.prefix(19)))",
            "  manifest  \(experiment.manifestPath)",
            "  contents  \(counts(experiment))",
            "  pyramid   \(layout.size.height)×\(layout.size.width) px, \(layout.pyramid.depth) levels, "
                + "\(layout.pyramid.levels.last!.tiles.rows)×\(layout.pyramid.levels.last!.tiles.columns) base tiles of \(layout.pyramid.tileSize) px",
            "  layers    \(stored.layers.map(\.layer.name).joined(separator: ", "))",
        ]
        var rows = [["PLATE", "GRID", "OFFSET (Y, X)", "SIZE (H×W)", "WELLS"]]
        for plate in layout.plates {
            rows.append([plate.name, "(\(plate.gridIndex.row), \(plate.gridIndex.column))", "(\(plate.offset.y), \(plate.offset.x))",
                         "\(plate.size.height)×\(plate.size.width)", plate.wells.map(\.name).joined(separator: " ")])
        }
        lines.append("")
        lines.append(table(rows))
        return lines.joined(separator: "\n")
    }

    public static func table(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, value in
                column == row.count - 1 ? value : value + String(repeating: " ", count: widths[column] - value.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
