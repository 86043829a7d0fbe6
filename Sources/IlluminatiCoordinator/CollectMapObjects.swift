import Foundation
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue
import Logging

/// `collect`: the Plates, Wells and Sites outlines of an experiment into PostGIS (§4.4),
/// recorded in the experiment's collect log (`phase_logs`).
public struct CollectMapObjects {
    public let connection: DatabaseConnection
    public var logger: Logger

    public init(connection: DatabaseConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Returns the number of outlines written per type.
    @discardableResult
    public func run(_ stored: StoredExperiment) throws -> [MapObjectType: Int] {
        try PhaseRecording(phase: .collect, experimentID: stored.id, logger: logger).run(on: connection) { log in
            let build = try BuildStore(connection).latestBuild(experiment: stored.id)
            let after = build.map { " after build \($0.id) (\($0.state.rawValue))" } ?? ""
            log.info("collecting the outlines of \(stored.experiment.name)\(after)")
            let experiment = stored.experiment
            let layout = try PlateLayout(experiment.layoutSpec)
            let residues = experiment.siteResidues
            if build?.state != .succeeded {
                log.warning("no build of \(experiment.name) has finished: the outlines are stored, but no pyramid shows them yet")
            }
            let outlines = layout.mapObjectOutlines { plate, well, site in
                residues[Experiment.SiteKey(plate: plate, well: well, site: site)] ?? .none
            }
            try MapObjectStore(connection).replace(experimentID: stored.id, outlines: outlines)
            let counts = Dictionary(grouping: outlines, by: \.type).mapValues(\.count)
            for (type, count) in counts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                log.info("\(type.rawValue): \(count) outlines written")
            }
            return (counts, build?.id)
        }
    }
}
