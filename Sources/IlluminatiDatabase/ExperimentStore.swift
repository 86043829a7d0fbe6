import IlluminatiCore
import IlluminatiPostgres

/// An experiment as stored, with its database ids.
public struct StoredExperiment: Sendable, Equatable {
    public var id: Int64
    public var createdAt: String
    public var experiment: Experiment
    /// Pyramid size recorded when the experiment was created.
    public var pyramidSize: PixelSize
    public var pyramidDepth: Int
    public var layers: [StoredLayer]
    /// Micrometres per site pixel, when known (the viewer's scale bar).
    public var pixelSizeMicrometres: Double? = nil
}

public struct StoredLayer: Sendable, Equatable {
    public var id: Int64
    public var layer: ChannelLayer
    public var minIntensity: Int?
    public var maxIntensity: Int?
}

public struct ExperimentSummary: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var createdAt: String
    public var plates: Int
    public var wells: Int
    public var sites: Int
    public var channels: Int
    public var images: Int
    public var pyramidSize: PixelSize
    public var pyramidDepth: Int
}

public enum ExperimentStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case alreadyExists(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .alreadyExists(let name):
            return "an experiment named \(name) already exists; choose another name or remove it with `illuminati experiment delete \(name)`"
        case .notFound(let name):
            return "no experiment named \(name) (see `illuminati experiment list`)"
        }
    }
}

/// Reads and writes experiments. `create` writes the whole model in one transaction with a
/// fixed number of statements (parallel arrays, unnested server-side).
public struct ExperimentStore {
    let connection: any StatementRunner

    public init(_ connection: any StatementRunner) { self.connection = connection }

    public func exists(_ name: String) throws -> Bool {
        try connection.experimentGetByName(name: name) != nil
    }

    /// The id of the experiment called `name`, without loading its plates, sites and images
    /// (for verbs such as `status` that only look up its build).
    public func id(of name: String) throws -> Int64 {
        guard let head = try connection.experimentGetByName(name: name) else { throw ExperimentStoreError.notFound(name) }
        return head.id
    }

    /// The name of the experiment a user named by name or by id (TissueMAPS' `experiment_id`).
    /// A name wins over the id it spells, so an experiment named "7" stays reachable by name.
    public func name(of reference: String) throws -> String {
        if try exists(reference) { return reference }
        if let id = Int64(reference), let row = try connection.experimentNameByID(id: id) { return row.name }
        throw ExperimentStoreError.notFound(reference)
    }

    @discardableResult
    public func create(_ experiment: Experiment, layout: PlateLayout) throws -> Int64 {
        do {
            return try connection.transaction { db in try insert(experiment, layout: layout, db) }
        } catch let error as DatabaseError where error.isUniqueViolation {
            throw ExperimentStoreError.alreadyExists(experiment.name)
        }
    }

    private func insert(_ experiment: Experiment, layout: PlateLayout, _ db: any StatementRunner) throws -> Int64 {
        let settings = experiment.layout
        let experimentID = try db.experimentInsert(
            name: experiment.name, plateFormat: experiment.plateFormat.rawValue, siteHeight: experiment.siteSize.height,
            siteWidth: experiment.siteSize.width, bitDepth: experiment.bitDepth, tileSize: settings.tileSize,
            zoomFactor: settings.zoomFactor, wellSpacer: settings.wellSpacer, plateSpacer: settings.plateSpacer,
            verticalSiteDisplacement: settings.siteDisplacement.y, horizontalSiteDisplacement: settings.siteDisplacement.x,
            pyramidHeight: layout.size.height, pyramidWidth: layout.size.width, pyramidDepth: layout.pyramid.depth,
            manifestPath: experiment.manifestPath).id

        var plateIDs: [Int: Int64] = [:]
        for row in try db.platesInsert(experimentID: experimentID, ordinals: Array(experiment.plates.indices),
                                       names: experiment.plates.map(\.name)) {
            plateIDs[row.ordinal] = row.id
        }

        var wellPlate: [Int64] = [], wellName: [String] = [], wellRow: [Int] = [], wellColumn: [Int] = []
        for (p, plate) in experiment.plates.enumerated() {
            for well in plate.wells {
                wellPlate.append(plateIDs[p]!)
                wellName.append(well.name.description)
                wellRow.append(well.name.row)
                wellColumn.append(well.name.column)
            }
        }
        struct WellRef: Hashable { var plate: Int64; var name: String }
        var wellIDs: [WellRef: Int64] = [:]
        for row in try db.wellsInsert(plateIDs: wellPlate, names: wellName, rows: wellRow, columns: wellColumn) {
            wellIDs[WellRef(plate: row.plateID, name: row.name)] = row.id
        }

        var siteWell: [Int64] = [], siteY: [Int] = [], siteX: [Int] = [], stageY: [Double?] = [], stageX: [Double?] = []
        for (p, plate) in experiment.plates.enumerated() {
            for well in plate.wells {
                let wellID = wellIDs[WellRef(plate: plateIDs[p]!, name: well.name.description)]!
                for site in well.sites {
                    siteWell.append(wellID)
                    siteY.append(site.y)
                    siteX.append(site.x)
                    stageY.append(site.stage?.y)
                    stageX.append(site.stage?.x)
                }
            }
        }
        struct SiteRef: Hashable { var well: Int64; var y: Int; var x: Int }
        var siteIDs: [SiteRef: Int64] = [:]
        for row in try db.sitesInsert(wellIDs: siteWell, ys: siteY, xs: siteX, stageYs: stageY, stageXs: stageX) {
            siteIDs[SiteRef(well: row.wellID, y: row.y, x: row.x)] = row.id
        }
        func siteID(_ key: Experiment.SiteKey) -> Int64 {
            let well = experiment.plates[key.plate].wells[key.well]
            let site = well.sites[key.site]
            let wellID = wellIDs[WellRef(plate: plateIDs[key.plate]!, name: well.name.description)]!
            return siteIDs[SiteRef(well: wellID, y: site.y, x: site.x)]!
        }

        var channelIDs: [Int: Int64] = [:]
        for row in try db.channelsInsert(
            experimentID: experimentID, ordinals: Array(experiment.channels.indices), names: experiment.channels.map(\.name),
            bitDepths: experiment.channels.map(\.bitDepth)
        ) {
            channelIDs[row.ordinal] = row.id
        }
        var cycleIDs: [Int: Int64] = [:]
        for row in try db.cyclesInsert(experimentID: experimentID, indexes: experiment.cycles) {
            cycleIDs[row.index] = row.id
        }

        let images = experiment.images
        try db.imageFilesInsert(
            experimentID: experimentID, siteIDs: images.map { siteID($0.site) }, channelIDs: images.map { channelIDs[$0.channel]! },
            cycleIDs: images.map { cycleIDs[$0.cycle]! }, tpoints: images.map(\.tpoint), zplanes: images.map(\.zplane),
            paths: images.map(\.path), manifestLines: images.map(\.line))
        let shifts = experiment.shifts
        try db.siteShiftsInsert(siteIDs: shifts.map { siteID($0.site) }, cycleIDs: shifts.map { cycleIDs[$0.cycle]! },
                                ys: shifts.map(\.shift.y), xs: shifts.map(\.shift.x))
        let layers = experiment.layers
        try db.channelLayersInsert(
            experimentID: experimentID, channelIDs: layers.map { channelIDs[$0.key.channel]! },
            cycleIDs: layers.map { cycleIDs[$0.key.cycle]! }, tpoints: layers.map(\.key.tpoint),
            zplanes: layers.map(\.key.zplane), names: layers.map(\.name))
        return experimentID
    }

    /// Records the intensity window decided for each layer named (TissueMAPS'
    /// `min_intensity`/`max_intensity`); the other layers keep theirs.
    public func recordWindows(experimentID: Int64, _ windows: [(layer: String, lower: Int, upper: Int)]) throws {
        try connection.channelLayerWindowsSet(
            experimentID: experimentID, names: windows.map(\.layer),
            minIntensities: windows.map(\.lower), maxIntensities: windows.map(\.upper))
    }

    /// Records every site's alignment crop from the experiment's shifts (zero where it has none).
    public func recordResidues(experimentID: Int64, experiment: Experiment) throws {
        let residues = experiment.siteResidues
        var plates: [Int] = [], wells: [String] = [], ys: [Int] = [], xs: [Int] = []
        var crops: [SiteResidues] = []
        for (p, plate) in experiment.plates.enumerated() {
            for (w, well) in plate.wells.enumerated() {
                for (s, site) in well.sites.enumerated() {
                    plates.append(p); wells.append(well.name.description); ys.append(site.y); xs.append(site.x)
                    crops.append(residues[Experiment.SiteKey(plate: p, well: w, site: s)] ?? .none)
                }
            }
        }
        try connection.siteResiduesSet(
            experimentID: experimentID, plateOrdinals: plates, wellNames: wells, ys: ys, xs: xs,
            topResidues: crops.map(\.top), bottomResidues: crops.map(\.bottom),
            leftResidues: crops.map(\.left), rightResidues: crops.map(\.right))
    }

    /// Records the acquisition layout that the stage positions of each well gave (`wells.stitch_layout`;
    /// `none` for an order no layout gives). Wells not listed keep NULL.
    public func recordStitch(experimentID: Int64, experiment: Experiment, _ wells: [WellStitch]) throws {
        let plateOrdinals = Dictionary(experiment.plates.enumerated().map { ($0.element.name, $0.offset) },
                                       uniquingKeysWith: { a, _ in a })
        try connection.wellsStitchLayoutSet(
            experimentID: experimentID, plateOrdinals: wells.map { plateOrdinals[$0.plate]! },
            wellNames: wells.map(\.well.description), layouts: wells.map { $0.layout?.rawValue ?? "none" })
    }

    public func list() throws -> [ExperimentSummary] {
        try connection.experimentList().map { row in
            ExperimentSummary(
                id: row.id, name: row.name, createdAt: row.createdAt, plates: row.plates, wells: row.wells, sites: row.sites,
                channels: row.channels, images: row.images,
                pyramidSize: PixelSize(height: row.pyramidHeight, width: row.pyramidWidth), pyramidDepth: row.pyramidDepth)
        }
    }

    /// Records micrometres per pixel (nil: unknown).
    public func setPixelSize(experimentID: Int64, micrometres: Double?) throws {
        try connection.experimentSetPixelSize(experimentID: experimentID, micrometres: micrometres)
    }

    public func load(_ name: String) throws -> StoredExperiment {
        guard let head = try connection.experimentGetByName(name: name) else {
            throw ExperimentStoreError.notFound(name)
        }
        let id = head.id
        var layout = Experiment.LayoutSettings()
        layout.tileSize = head.tileSize
        layout.zoomFactor = head.zoomFactor
        layout.wellSpacer = head.wellSpacer
        layout.plateSpacer = head.plateSpacer
        layout.siteDisplacement = PixelOffset(y: head.verticalSiteDisplacement, x: head.horizontalSiteDisplacement)

        var plates: [Experiment.Plate] = []
        var plateIndex: [Int64: Int] = [:]
        for row in try connection.platesByExperiment(experimentID: id) {
            plateIndex[row.id] = plates.count
            plates.append(Experiment.Plate(name: row.name, wells: []))
        }
        var wellIndex: [Int64: (plate: Int, well: Int)] = [:]
        var wellRows: [(plate: Int, id: Int64, name: WellName)] = []
        for row in try connection.wellsByExperiment(experimentID: id) {
            guard let name = WellName(row.name) else {
                throw DatabaseError.unexpectedResult(statement: "WellsByExperiment", reason: "bad well name")
            }
            wellRows.append((plateIndex[row.plateID]!, row.id, name))
        }
        for well in wellRows.sorted(by: { ($0.plate, $0.name) < ($1.plate, $1.name) }) {
            wellIndex[well.id] = (well.plate, plates[well.plate].wells.count)
            plates[well.plate].wells.append(Experiment.Well(name: well.name, sites: []))
        }
        var siteKeys: [Int64: Experiment.SiteKey] = [:]
        for row in try connection.sitesByExperiment(experimentID: id) {
            let (p, w) = wellIndex[row.wellID]!
            let stage: StagePosition? = row.stageY.flatMap { y in row.stageX.map { StagePosition(y: y, x: $0) } }
            siteKeys[row.id] = Experiment.SiteKey(plate: p, well: w, site: plates[p].wells[w].sites.count)
            plates[p].wells[w].sites.append(Experiment.Site(y: row.y, x: row.x, stage: stage))
        }
        var channels: [Experiment.Channel] = []
        var channelIndex: [Int64: Int] = [:]
        for row in try connection.channelsByExperiment(experimentID: id) {
            channelIndex[row.id] = channels.count
            channels.append(Experiment.Channel(name: row.name, bitDepth: row.bitDepth))
        }
        var cycleNumber: [Int64: Int] = [:]
        for row in try connection.cyclesByExperiment(experimentID: id) {
            cycleNumber[row.id] = row.index
        }
        let images = try connection.imageFilesByExperiment(experimentID: id).map { row in
            Experiment.ImageFile(
                site: siteKeys[row.siteID]!, channel: channelIndex[row.channelID]!, cycle: cycleNumber[row.cycleID]!,
                tpoint: row.tpoint, zplane: row.zplane, path: row.path, line: row.manifestLine)
        }
        let shifts = try connection.siteShiftsByExperiment(experimentID: id).map { row in
            Experiment.SiteShift(site: siteKeys[row.siteID]!, cycle: cycleNumber[row.cycleID]!,
                                 shift: PixelOffset(y: row.y, x: row.x))
        }.sorted { ($0.site, $0.cycle) < ($1.site, $1.cycle) }
        let experiment = Experiment(
            name: head.name, plateFormat: PlateFormat(rawValue: head.plateFormat) ?? .wells384,
            siteSize: PixelSize(height: head.siteHeight, width: head.siteWidth),
            bitDepth: head.bitDepth, layout: layout, plates: plates, channels: channels,
            cycles: cycleNumber.values.sorted(), images: images, shifts: shifts, manifestPath: head.manifestPath)
        let layers = try connection.channelLayersByExperiment(experimentID: id).map { row in
            StoredLayer(
                id: row.id,
                layer: ChannelLayer(key: ChannelLayer.Key(channel: channelIndex[row.channelID]!, cycle: cycleNumber[row.cycleID]!,
                                                          tpoint: row.tpoint, zplane: row.zplane),
                                    name: row.name),
                minIntensity: row.minIntensity, maxIntensity: row.maxIntensity)
        }
        return StoredExperiment(
            id: id, createdAt: head.createdAt, experiment: experiment,
            pyramidSize: PixelSize(height: head.pyramidHeight, width: head.pyramidWidth),
            pyramidDepth: head.pyramidDepth, layers: layers, pixelSizeMicrometres: head.pixelSizeUm)
    }

    /// Removes the experiment and its whole model; false if there was none.
    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        try connection.experimentDelete(name: name) != nil
    }
}

extension ExperimentStoreError: ClassifiedError {
    /// Unknown, duplicate or malformed experiments: what the user named, not what happened.
    public var errorClass: ErrorClass { .badInput }
}
