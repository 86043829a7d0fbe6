/// Where every plate, well and site lies in the base level of the pyramid, and the pyramid
/// itself: TissueMAPS' mosaic geometry (§1.2–§1.4, §2.1) with two bugs fixed.
///
/// * Well size: from the well's site grid (max y + 1, max x + 1) and the one site size
///   (§1.3); every well of a plate is laid out with the largest well size of that plate.
/// * Plate size: only the plate's nonempty well rows and columns take space (§1.2), with
///   `wellSpacer` between them.
/// * Plates go column-major into a `guessStitchDimensions(N, .vertical)` grid (§1.2), each
///   cell as large as the largest plate, with `plateSpacer` between cells. TissueMAPS sized
///   the mosaic by the largest plate but offset each plate by its own size, misplacing
///   plates of unequal size (§7 bug 4); here both use the largest, which is identical for
///   equal plates.
/// * All sites share `spec.siteSize` (§7 bug 5: TissueMAPS assumed the first site's size).
///
/// Plates, wells and sites keep the order of the spec.
public struct PlateLayout: Hashable, Sendable {
    public struct PlacedSite: Hashable, Sendable {
        /// Position in the well's site grid.
        public var y: Int
        public var x: Int
        /// Top-left corner in base-level pixels (§1.4).
        public var offset: PixelOffset

        public init(y: Int, x: Int, offset: PixelOffset) {
            self.y = y
            self.x = x
            self.offset = offset
        }
    }

    public struct PlacedWell: Hashable, Sendable {
        public var name: String
        /// Position in the plate (A01 → row 0, column 0).
        public var row: Int
        public var column: Int
        /// Top-left corner in base-level pixels (§1.4).
        public var offset: PixelOffset
        /// The plate-level well size the layout uses (largest well of its plate), not the
        /// extent of this well's own sites.
        public var size: PixelSize
        public var sites: [PlacedSite]

        public init(name: String, row: Int, column: Int, offset: PixelOffset, size: PixelSize, sites: [PlacedSite]) {
            self.name = name
            self.row = row
            self.column = column
            self.offset = offset
            self.size = size
            self.sites = sites
        }
    }

    public struct PlacedPlate: Hashable, Sendable {
        public var name: String
        /// Cell in the plate grid.
        public var gridIndex: GridIndex
        /// Top-left corner in base-level pixels.
        public var offset: PixelOffset
        /// This plate's own size; its cell in the plate grid is `PlateLayout.plateSize`.
        public var size: PixelSize
        public var wells: [PlacedWell]

        public init(name: String, gridIndex: GridIndex, offset: PixelOffset, size: PixelSize, wells: [PlacedWell]) {
            self.name = name
            self.gridIndex = gridIndex
            self.offset = offset
            self.size = size
            self.wells = wells
        }
    }

    public let spec: PlateLayoutSpec
    public let plates: [PlacedPlate]
    /// Rows × columns of plates (§1.2).
    public let plateGrid: GridDimensions
    /// The largest plate height and width, the size of every plate-grid cell.
    public let plateSize: PixelSize
    /// The pyramid base, (H, W) of §1.3.
    public let size: PixelSize
    public let pyramid: PyramidGeometry

    /// - Throws: `GeometryError` when the spec has no plates, a plate without wells, a well
    ///   without sites, a negative well or site position, a non-positive site size, a
    ///   duplicate well or site, a negative spacer, a displacement that folds sites onto
    ///   each other, an unusable tile size or zoom factor, a value beyond the spec's limits
    ///   (`PlateLayoutSpec.maxGridIndex`, `.maxLength`), or a mosaic side beyond `maxMosaicSide`.
    public init(_ spec: PlateLayoutSpec) throws {
        try spec.validate()
        let site = spec.siteSize
        let step = PixelSize(height: site.height + spec.siteDisplacement.y, width: site.width + spec.siteDisplacement.x)
        let spacer = spec.wellSpacer

        // Sizes need the whole plate before any offset is known, so measure first.
        let measured = spec.plates.map { MeasuredPlate($0, siteSize: site, siteStep: step, wellSpacer: spacer) }
        let plateSize = PixelSize(height: measured.map(\.size.height).max()!,
                                  width: measured.map(\.size.width).max()!)
        // The spec is validated nonempty, so the count is ≥ 1 and this cannot throw.
        let grid = try! guessStitchDimensions(spec.plates.count, majorAxis: .vertical)
        // Checked before any plate is placed: every offset below is smaller than the size.
        let size = try Self.mosaicSize(grid: grid, plateSize: plateSize, plateSpacer: spec.plateSpacer)

        var placed: [PlacedPlate] = []
        for (k, plate) in measured.enumerated() {
            let cell = GridIndex(row: k % grid.rows, column: k / grid.rows)
            let plateOffset = PixelOffset(y: cell.row * (plateSize.height + spec.plateSpacer),
                                          x: cell.column * (plateSize.width + spec.plateSpacer))
            let wells = plate.spec.wells.map { well in
                let wellOffset = PixelOffset(
                    y: plateOffset.y + plate.rank(ofRow: well.row) * (plate.wellSize.height + spacer),
                    x: plateOffset.x + plate.rank(ofColumn: well.column) * (plate.wellSize.width + spacer))
                let sites = well.sites.map { s in
                    PlacedSite(y: s.y, x: s.x, offset: PixelOffset(y: wellOffset.y + s.y * step.height,
                                                                   x: wellOffset.x + s.x * step.width))
                }
                return PlacedWell(name: well.name, row: well.row, column: well.column,
                                  offset: wellOffset, size: plate.wellSize, sites: sites)
            }
            placed.append(PlacedPlate(name: plate.spec.name, gridIndex: cell, offset: plateOffset,
                                      size: plate.size, wells: wells))
        }

        self.spec = spec
        self.plates = placed
        self.plateGrid = grid
        self.plateSize = plateSize
        self.size = size
        self.pyramid = PyramidGeometry(baseSize: size, tileSize: spec.tileSize, zoomFactor: spec.zoomFactor)
    }

    /// The largest mosaic side: pyramid sizes are stored as PostgreSQL `integer`.
    public static let maxMosaicSide = Int(Int32.max)

    /// count · cell + (count − 1) · spacer along each axis, or `mosaicTooLarge`.
    static func mosaicSize(grid: GridDimensions, plateSize: PixelSize, plateSpacer: Int) throws -> PixelSize {
        func extent(_ count: Int, _ cell: Int) -> Int? {
            let (pitch, o1) = cell.addingReportingOverflow(plateSpacer)
            let (span, o2) = count.multipliedReportingOverflow(by: pitch)
            return o1 || o2 ? nil : span - plateSpacer
        }
        let height = extent(grid.rows, plateSize.height), width = extent(grid.columns, plateSize.width)
        guard let height, let width, height <= maxMosaicSide, width <= maxMosaicSide else {
            throw GeometryError.mosaicTooLarge(height: height, width: width)
        }
        return PixelSize(height: height, width: width)
    }
}

/// A plate's sizes and collapsed rows/columns (§1.2, §1.3), before it is placed.
private struct MeasuredPlate {
    let spec: PlateLayoutSpec.Plate
    /// Largest own well size in the plate; every well of the plate is laid out with it.
    let wellSize: PixelSize
    /// Sorted plate rows and columns holding at least one imaged well.
    let nonemptyRows: [Int]
    let nonemptyColumns: [Int]
    let size: PixelSize

    init(_ plate: PlateLayoutSpec.Plate, siteSize: PixelSize, siteStep: PixelSize, wellSpacer: Int) {
        spec = plate
        // Own size of a well with r × c sites: r·h + dv·(r−1) = h + (r−1)·(h+dv).
        let ownSizes = plate.wells.map { well in
            PixelSize(height: siteSize.height + well.sites.map(\.y).max()! * siteStep.height,
                      width: siteSize.width + well.sites.map(\.x).max()! * siteStep.width)
        }
        wellSize = PixelSize(height: ownSizes.map(\.height).max()!, width: ownSizes.map(\.width).max()!)
        nonemptyRows = Set(plate.wells.map(\.row)).sorted()
        nonemptyColumns = Set(plate.wells.map(\.column)).sorted()
        size = PixelSize(height: nonemptyRows.count * wellSize.height + (nonemptyRows.count - 1) * wellSpacer,
                         width: nonemptyColumns.count * wellSize.width + (nonemptyColumns.count - 1) * wellSpacer)
    }

    /// Index of a plate row among the nonempty ones: empty rows take no space.
    func rank(ofRow row: Int) -> Int { nonemptyRows.firstIndex(of: row)! }
    func rank(ofColumn column: Int) -> Int { nonemptyColumns.firstIndex(of: column)! }
}
