/// How the microscope visited one well's sites, read back from their stage positions
/// (TissueMAPS' `calc_stitch_layout`, §5.3, through `stitchLayout(dimensions:positions:)`).
public struct WellStitch: Hashable, Sendable {
    public var plate: String
    public var well: WellName
    public var dimensions: GridDimensions
    /// Nil: the sites were visited in an order that none of the four layouts gives.
    public var layout: StitchLayout?

    public init(plate: String, well: WellName, dimensions: GridDimensions, layout: StitchLayout?) {
        self.plate = plate
        self.well = well
        self.dimensions = dimensions
        self.layout = layout
    }
}

extension Experiment {
    /// The site grid and acquisition layout of every well whose sites come from stage
    /// positions, in plate and well order. The acquisition order is the manifest's order of
    /// the well's images of one plane (the channel, cycle, time point and z-plane of its
    /// first image); `reverseRows`/`reverseColumns` as the grid was made with.
    public func stitchByWell(reverseRows: Bool = false, reverseColumns: Bool = false) -> [WellStitch] {
        struct Plane: Hashable { var channel: Int; var cycle: Int; var tpoint: Int; var zplane: Int }
        var firstPlane: [[Plane?]] = plates.map { [Plane?](repeating: nil, count: $0.wells.count) }
        var visited: [[[Int]]] = plates.map { [[Int]](repeating: [], count: $0.wells.count) }
        for image in images {
            let plane = Plane(channel: image.channel, cycle: image.cycle, tpoint: image.tpoint, zplane: image.zplane)
            let key = image.site
            if firstPlane[key.plate][key.well] == nil { firstPlane[key.plate][key.well] = plane }
            if firstPlane[key.plate][key.well] == plane { visited[key.plate][key.well].append(key.site) }
        }
        var result: [WellStitch] = []
        for (p, plate) in plates.enumerated() {
            for (w, well) in plate.wells.enumerated() {
                let order = visited[p][w]
                let positions = order.compactMap { well.sites[$0].stage }
                guard !positions.isEmpty, positions.count == order.count else { continue }
                let dimensions = GridDimensions(rows: (well.sites.map(\.y).max() ?? 0) + 1,
                                                columns: (well.sites.map(\.x).max() ?? 0) + 1)
                let layout = try? stitchLayout(dimensions: dimensions, positions: positions,
                                               reverseRows: reverseRows, reverseColumns: reverseColumns)
                result.append(WellStitch(plate: plate.name, well: well.name, dimensions: dimensions, layout: layout))
            }
        }
        return result
    }
}
