/// What was found when an image file's header was read.
public enum ImageFileStatus: Sendable, Equatable {
    case image(width: Int, height: Int, bitDepth: Int)
    /// Missing, unreadable, or not a grayscale TIFF/PNG; the reason is shown to the user.
    case unusable(String)
}

/// Turns checked manifest entries and the headers of their files into an `Experiment`,
/// or into every problem that prevents it: duplicate files or rows, unusable files, sites
/// of different sizes or bit depths (all sites must be equal), stage positions that do not
/// form a grid, conflicting shifts and shifts as large as the site. Entries are told apart
/// by `ordinal`, never by line: a JSON manifest may hold every record on one line.
public enum ExperimentBuilder {
    public static func isValidExperimentName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 64 else { return false }
        func plain(_ s: Unicode.Scalar) -> Bool {
            s.isASCII && (("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s))
        }
        return plain(scalars[0]) && scalars.allSatisfy { plain($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    public static func build(name: String, manifestPath: String, entries: [ManifestEntry],
                             files: [String: ImageFileStatus], stitch: StitchOptions = StitchOptions())
        -> (experiment: Experiment?, problems: [ManifestProblem])
    {
        var problems: [ManifestProblem] = []
        if !isValidExperimentName(name) {
            problems.append(ManifestProblem(line: 0,
                "bad experiment name \"\(name)\" (letters, digits and . _ - only, at most 64, starting with a letter or digit)"))
        }
        let entries = entries.sorted { $0.ordinal < $1.ordinal }
        let format = checkFiles(entries, files, problems: &problems)

        let grid = siteGrid(entries, stitch: stitch, problems: &problems)

        // Rows: one file per site, channel, cycle, tpoint and zplane.
        struct RowKey: Hashable { var plate: String; var well: WellName; var y: Int; var x: Int; var channel: String; var cycle: Int; var tpoint: Int; var zplane: Int }
        var firstOfKey: [RowKey: ManifestLocation] = [:]
        for entry in entries {
            guard let site = grid[entry.ordinal] else { continue }
            let key = RowKey(plate: entry.plate, well: entry.well, y: site.y, x: site.x, channel: entry.channel,
                             cycle: entry.cycle, tpoint: entry.tpoint, zplane: entry.zplane)
            if let first = firstOfKey[key] {
                problems.append(ManifestProblem(entry.location,
                    "duplicate of \(first): plate \(entry.plate), well \(entry.well), site (\(site.y), \(site.x)), channel \(entry.channel), cycle \(entry.cycle), tpoint \(entry.tpoint), zplane \(entry.zplane)"))
            } else {
                firstOfKey[key] = entry.location
            }
        }

        // Shifts: one per site and cycle, each smaller than the site.
        struct ShiftKey: Hashable { var plate: String; var well: WellName; var y: Int; var x: Int; var cycle: Int }
        var shifts: [ShiftKey: (entry: ManifestEntry, shift: PixelOffset)] = [:]
        for entry in entries {
            guard let shift = entry.shift else { continue }
            if let format, let problem = checkShift(shift, siteSize: format.size) {
                problems.append(ManifestProblem(entry.location, problem))
            }
            guard let site = grid[entry.ordinal] else { continue }
            let key = ShiftKey(plate: entry.plate, well: entry.well, y: site.y, x: site.x, cycle: entry.cycle)
            if let first = shifts[key] {
                if first.shift != shift {
                    problems.append(ManifestProblem(entry.location,
                        "shift (\(shift.y), \(shift.x)) differs from (\(first.shift.y), \(first.shift.x)) on \(first.entry.location) for the same site and cycle"))
                }
            } else {
                shifts[key] = (entry, shift)
            }
        }

        guard problems.isEmpty, let format else {
            if problems.isEmpty { problems.append(ManifestProblem(line: 0, "the manifest lists no usable images")) }
            return (nil, problems.sorted())
        }

        // Canonical order: plates and channels by first appearance, wells by name, sites by (y, x).
        var plateNames: [String] = []
        var channelNames: [String] = []
        var wellsOfPlate: [String: Set<WellName>] = [:]
        var sitesOfWell: [String: [WellName: [GridIndex: StagePosition?]]] = [:]
        for entry in entries {
            if wellsOfPlate[entry.plate] == nil { plateNames.append(entry.plate) }
            if !channelNames.contains(entry.channel) { channelNames.append(entry.channel) }
            wellsOfPlate[entry.plate, default: []].insert(entry.well)
            let site = grid[entry.ordinal]!
            let index = GridIndex(row: site.y, column: site.x)
            if sitesOfWell[entry.plate, default: [:]][entry.well, default: [:]][index] == nil {
                sitesOfWell[entry.plate, default: [:]][entry.well, default: [:]][index] = site.stage
            }
        }
        var keys: [String: [WellName: [GridIndex: Int]]] = [:]
        var plates: [Experiment.Plate] = []
        for plateName in plateNames {
            var wells: [Experiment.Well] = []
            for wellName in wellsOfPlate[plateName]!.sorted() {
                let sites = sitesOfWell[plateName]![wellName]!.sorted { $0.key < $1.key }
                for (index, site) in sites.enumerated() { keys[plateName, default: [:]][wellName, default: [:]][site.key] = index }
                wells.append(Experiment.Well(name: wellName, sites: sites.map {
                    Experiment.Site(y: $0.key.row, x: $0.key.column, stage: $0.value)
                }))
            }
            plates.append(Experiment.Plate(name: plateName, wells: wells))
        }
        func siteKey(_ entry: ManifestEntry) -> Experiment.SiteKey {
            let site = grid[entry.ordinal]!
            let plate = plateNames.firstIndex(of: entry.plate)!
            let well = plates[plate].wells.firstIndex { $0.name == entry.well }!
            return Experiment.SiteKey(plate: plate, well: well,
                                      site: keys[entry.plate]![entry.well]![GridIndex(row: site.y, column: site.x)]!)
        }
        let images = entries.map { entry in
            Experiment.ImageFile(site: siteKey(entry), channel: channelNames.firstIndex(of: entry.channel)!, cycle: entry.cycle,
                                 tpoint: entry.tpoint, zplane: entry.zplane, path: entry.path, line: entry.line)
        }
        let siteShifts = shifts.values.map { value in
            Experiment.SiteShift(site: siteKey(value.entry), cycle: value.entry.cycle, shift: value.shift)
        }.sorted { ($0.site, $0.cycle) < ($1.site, $1.cycle) }
        let experiment = Experiment(
            name: name, plateFormat: PlateFormat.smallest(holding: Array(wellsOfPlate.values.joined())),
            siteSize: format.size, bitDepth: format.bitDepth, plates: plates,
            channels: channelNames.map { Experiment.Channel(name: $0, bitDepth: format.bitDepth) },
            cycles: Set(entries.map(\.cycle)).sorted(), images: images, shifts: siteShifts, manifestPath: manifestPath)
        return (experiment, [])
    }

    /// Each entry's site grid position (by `ordinal`). Acquisition-order indices are laid out
    /// in one grid for all wells (`orderedSiteGrid`). Stage positions are turned into
    /// grid positions per well, separately for each channel × cycle × tpoint × zplane, whose
    /// grids must agree.
    static func siteGrid(_ entries: [ManifestEntry], stitch: StitchOptions, problems: inout [ManifestProblem])
        -> [Int: (y: Int, x: Int, stage: StagePosition?)]
    {
        var grid = orderedSiteGrid(entries, stitch: stitch, problems: &problems)
        struct WellKey: Hashable { var plate: String; var well: WellName }
        struct PlaneKey: Hashable { var channel: String; var cycle: Int; var tpoint: Int; var zplane: Int }
        var staged: [WellKey: [PlaneKey: [ManifestEntry]]] = [:]
        var wellOrder: [WellKey] = []
        for entry in entries {
            switch entry.position {
            case .grid(let y, let x): grid[entry.ordinal] = (y, x, nil)
            case .order: continue
            case .stage:
                let well = WellKey(plate: entry.plate, well: entry.well)
                if staged[well] == nil { wellOrder.append(well) }
                staged[well, default: [:]][PlaneKey(channel: entry.channel, cycle: entry.cycle, tpoint: entry.tpoint, zplane: entry.zplane), default: []].append(entry)
            }
        }
        if staged.isEmpty && (stitch.reverseRows || stitch.reverseColumns) {
            problems.append(ManifestProblem(.wholeManifest,
                "reversed rows or columns were asked for, but no row gives a stage position (they apply to stage_y and stage_x only)"))
        }
        for well in wellOrder {
            var dimensions: (GridDimensions, ManifestLocation)?
            let planes = staged[well]!.sorted { $0.value[0].ordinal < $1.value[0].ordinal }
            for (plane, group) in planes {
                let positions = group.map { entry -> StagePosition in
                    if case .stage(let position) = entry.position { return position }
                    preconditionFailure("grouped a grid entry as staged")
                }
                let label = "plate \(well.plate), well \(well.well), channel \(plane.channel), cycle \(plane.cycle), tpoint \(plane.tpoint), zplane \(plane.zplane)"
                do {
                    let result = try gridCoordinates(positions: positions, reverseRows: stitch.reverseRows,
                                                     reverseColumns: stitch.reverseColumns)
                    if let (expected, location) = dimensions, expected != result.dimensions {
                        problems.append(ManifestProblem(group[0].location,
                            "\(label): stage positions form a \(result.dimensions.rows)×\(result.dimensions.columns) grid but \(location) of the same well gives \(expected.rows)×\(expected.columns)"))
                        continue
                    }
                    dimensions = dimensions ?? (result.dimensions, group[0].location)
                    for (offset, entry) in group.enumerated() {
                        let index = result.indices[offset]
                        grid[entry.ordinal] = (index.row, index.column, positions[offset])
                    }
                } catch {
                    problems.append(ManifestProblem(group[0].location, "\(label): \(error)"))
                }
            }
        }
        return grid
    }
}
