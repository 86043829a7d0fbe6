import IlluminatiCore
import IlluminatiDatabase
import IlluminatiPostgres

/// `collect`: the Plates, Wells and Sites outlines of an experiment into PostGIS (§4.4).
public struct CollectMapObjects {
    public let connection: DatabaseConnection

    public init(connection: DatabaseConnection) { self.connection = connection }

    /// Returns the number of outlines written per type.
    @discardableResult
    public func run(_ stored: StoredExperiment) throws -> [MapObjectType: Int] {
        let experiment = stored.experiment
        let layout = try PlateLayout(experiment.layoutSpec)
        let residues = experiment.siteResidues
        let outlines = layout.mapObjectOutlines { plate, well, site in
            residues[Experiment.SiteKey(plate: plate, well: well, site: site)] ?? .none
        }
        try MapObjectStore(connection).replace(experimentID: stored.id, outlines: outlines)
        return Dictionary(grouping: outlines, by: \.type).mapValues(\.count)
    }
}
