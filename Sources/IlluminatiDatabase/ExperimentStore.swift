import IlluminatiCore

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
        !(try connection.run(Statements.named("ExperimentGetByName"), [name]).rows.isEmpty)
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
        let experimentID = try db.run(Statements.named("ExperimentInsert"), [
            experiment.name, experiment.plateFormat.rawValue, experiment.siteSize.height, experiment.siteSize.width,
            experiment.bitDepth, settings.tileSize, settings.zoomFactor, settings.wellSpacer, settings.plateSpacer,
            settings.siteDisplacement.y, settings.siteDisplacement.x, layout.size.height, layout.size.width,
            layout.pyramid.depth, experiment.manifestPath,
        ]).one().int64("id")

        var plateIDs: [Int: Int64] = [:]
        for row in try db.run(Statements.named("PlatesInsert"), [
            experimentID, Array(experiment.plates.indices), experiment.plates.map(\.name),
        ]).rows {
            plateIDs[try row.int("ordinal")] = try row.int64("id")
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
        for row in try db.run(Statements.named("WellsInsert"), [wellPlate, wellName, wellRow, wellColumn]).rows {
            wellIDs[WellRef(plate: try row.int64("plate_id"), name: try row.string("name"))] = try row.int64("id")
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
        for row in try db.run(Statements.named("SitesInsert"), [siteWell, siteY, siteX, stageY, stageX]).rows {
            siteIDs[SiteRef(well: try row.int64("well_id"), y: try row.int("y"), x: try row.int("x"))] = try row.int64("id")
        }
        func siteID(_ key: Experiment.SiteKey) -> Int64 {
            let well = experiment.plates[key.plate].wells[key.well]
            let site = well.sites[key.site]
            let wellID = wellIDs[WellRef(plate: plateIDs[key.plate]!, name: well.name.description)]!
            return siteIDs[SiteRef(well: wellID, y: site.y, x: site.x)]!
        }

        var channelIDs: [Int: Int64] = [:]
        for row in try db.run(Statements.named("ChannelsInsert"), [
            experimentID, Array(experiment.channels.indices), experiment.channels.map(\.name), experiment.channels.map(\.bitDepth),
        ]).rows {
            channelIDs[try row.int("ordinal")] = try row.int64("id")
        }
        var cycleIDs: [Int: Int64] = [:]
        for row in try db.run(Statements.named("CyclesInsert"), [experimentID, experiment.cycles]).rows {
            cycleIDs[try row.int("index")] = try row.int64("id")
        }

        let images = experiment.images
        try db.run(Statements.named("ImageFilesInsert"), [
            experimentID, images.map { siteID($0.site) }, images.map { channelIDs[$0.channel]! },
            images.map { cycleIDs[$0.cycle]! }, images.map(\.tpoint), images.map(\.zplane), images.map(\.path), images.map(\.line),
        ])
        let shifts = experiment.shifts
        try db.run(Statements.named("SiteShiftsInsert"), [
            shifts.map { siteID($0.site) }, shifts.map { cycleIDs[$0.cycle]! }, shifts.map(\.shift.y), shifts.map(\.shift.x),
        ])
        let layers = experiment.layers
        try db.run(Statements.named("ChannelLayersInsert"), [
            experimentID, layers.map { channelIDs[$0.key.channel]! }, layers.map { cycleIDs[$0.key.cycle]! },
            layers.map(\.key.tpoint), layers.map(\.key.zplane), layers.map(\.name),
        ])
        return experimentID
    }

    public func list() throws -> [ExperimentSummary] {
        try connection.run(Statements.named("ExperimentList")).rows.map { row in
            ExperimentSummary(
                id: try row.int64("id"), name: try row.string("name"), createdAt: try row.string("created_at"),
                plates: try row.int("plates"), wells: try row.int("wells"), sites: try row.int("sites"),
                channels: try row.int("channels"), images: try row.int("images"),
                pyramidSize: PixelSize(height: try row.int("pyramid_height"), width: try row.int("pyramid_width")),
                pyramidDepth: try row.int("pyramid_depth"))
        }
    }

    /// Records micrometres per pixel (nil: unknown).
    public func setPixelSize(experimentID: Int64, micrometres: Double?) throws {
        try connection.run(Statements.named("ExperimentSetPixelSize"), [experimentID, micrometres])
    }

    public func load(_ name: String) throws -> StoredExperiment {
        guard let head = try connection.run(Statements.named("ExperimentGetByName"), [name]).rows.first else {
            throw ExperimentStoreError.notFound(name)
        }
        let id = try head.int64("id")
        var layout = Experiment.LayoutSettings()
        layout.tileSize = try head.int("tile_size")
        layout.zoomFactor = try head.int("zoom_factor")
        layout.wellSpacer = try head.int("well_spacer")
        layout.plateSpacer = try head.int("plate_spacer")
        layout.siteDisplacement = PixelOffset(y: try head.int("vertical_site_displacement"),
                                              x: try head.int("horizontal_site_displacement"))

        var plates: [Experiment.Plate] = []
        var plateIndex: [Int64: Int] = [:]
        for row in try connection.run(Statements.named("PlatesByExperiment"), [id]).rows {
            plateIndex[try row.int64("id")] = plates.count
            plates.append(Experiment.Plate(name: try row.string("name"), wells: []))
        }
        var wellIndex: [Int64: (plate: Int, well: Int)] = [:]
        var wellRows: [(plate: Int, id: Int64, name: WellName)] = []
        for row in try connection.run(Statements.named("WellsByExperiment"), [id]).rows {
            guard let name = WellName(try row.string("name")) else {
                throw DatabaseError.unexpectedResult(statement: "WellsByExperiment", reason: "bad well name")
            }
            wellRows.append((plateIndex[try row.int64("plate_id")]!, try row.int64("id"), name))
        }
        for well in wellRows.sorted(by: { ($0.plate, $0.name) < ($1.plate, $1.name) }) {
            wellIndex[well.id] = (well.plate, plates[well.plate].wells.count)
            plates[well.plate].wells.append(Experiment.Well(name: well.name, sites: []))
        }
        var siteKeys: [Int64: Experiment.SiteKey] = [:]
        for row in try connection.run(Statements.named("SitesByExperiment"), [id]).rows {
            let (p, w) = wellIndex[try row.int64("well_id")]!
            let stage: StagePosition? = try row.optionalDouble("stage_y").flatMap { y in
                try row.optionalDouble("stage_x").map { StagePosition(y: y, x: $0) }
            }
            siteKeys[try row.int64("id")] = Experiment.SiteKey(plate: p, well: w, site: plates[p].wells[w].sites.count)
            plates[p].wells[w].sites.append(Experiment.Site(y: try row.int("y"), x: try row.int("x"), stage: stage))
        }
        var channels: [Experiment.Channel] = []
        var channelIndex: [Int64: Int] = [:]
        for row in try connection.run(Statements.named("ChannelsByExperiment"), [id]).rows {
            channelIndex[try row.int64("id")] = channels.count
            channels.append(Experiment.Channel(name: try row.string("name"), bitDepth: try row.int("bit_depth")))
        }
        var cycleNumber: [Int64: Int] = [:]
        for row in try connection.run(Statements.named("CyclesByExperiment"), [id]).rows {
            cycleNumber[try row.int64("id")] = try row.int("index")
        }
        let images = try connection.run(Statements.named("ImageFilesByExperiment"), [id]).rows.map { row in
            Experiment.ImageFile(
                site: siteKeys[try row.int64("site_id")]!, channel: channelIndex[try row.int64("channel_id")]!,
                cycle: cycleNumber[try row.int64("cycle_id")]!, tpoint: try row.int("tpoint"), zplane: try row.int("zplane"),
                path: try row.string("path"), line: try row.int("manifest_line"))
        }
        let shifts = try connection.run(Statements.named("SiteShiftsByExperiment"), [id]).rows.map { row in
            Experiment.SiteShift(site: siteKeys[try row.int64("site_id")]!, cycle: cycleNumber[try row.int64("cycle_id")]!,
                                 shift: PixelOffset(y: try row.int("y"), x: try row.int("x")))
        }.sorted { ($0.site, $0.cycle) < ($1.site, $1.cycle) }
        let experiment = Experiment(
            name: try head.string("name"), plateFormat: PlateFormat(rawValue: try head.int("plate_format")) ?? .wells384,
            siteSize: PixelSize(height: try head.int("site_height"), width: try head.int("site_width")),
            bitDepth: try head.int("bit_depth"), layout: layout, plates: plates, channels: channels,
            cycles: cycleNumber.values.sorted(), images: images, shifts: shifts, manifestPath: try head.string("manifest_path"))
        let layers = try connection.run(Statements.named("ChannelLayersByExperiment"), [id]).rows.map { row in
            StoredLayer(
                id: try row.int64("id"),
                layer: ChannelLayer(key: ChannelLayer.Key(channel: channelIndex[try row.int64("channel_id")]!,
                                                          cycle: cycleNumber[try row.int64("cycle_id")]!,
                                                          tpoint: try row.int("tpoint"), zplane: try row.int("zplane")),
                                    name: try row.string("name")),
                minIntensity: try row.optionalInt("min_intensity"), maxIntensity: try row.optionalInt("max_intensity"))
        }
        return StoredExperiment(
            id: id, createdAt: try head.string("created_at"), experiment: experiment,
            pyramidSize: PixelSize(height: try head.int("pyramid_height"), width: try head.int("pyramid_width")),
            pyramidDepth: try head.int("pyramid_depth"), layers: layers,
            pixelSizeMicrometres: try head.optionalDouble("pixel_size_um"))
    }

    /// Removes the experiment and its whole model; false if there was none.
    @discardableResult
    public func delete(_ name: String) throws -> Bool {
        !(try connection.run(Statements.named("ExperimentDelete"), [name]).rows.isEmpty)
    }
}

extension ExperimentStoreError: ClassifiedError {
    /// Unknown, duplicate or malformed experiments: what the user named, not what happened.
    public var errorClass: ErrorClass { .badInput }
}
