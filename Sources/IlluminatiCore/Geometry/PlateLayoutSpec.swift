/// What the mosaic geometry depends on: which plates, wells and sites were imaged, the
/// site image size and the spacing settings of a TissueMAPS experiment (§1.1).
public struct PlateLayoutSpec: Hashable, Sendable, Codable {
    /// A site by its zero-based position in its well's site grid.
    public struct Site: Hashable, Sendable, Codable {
        public var y: Int
        public var x: Int

        public init(y: Int, x: Int) {
            self.y = y
            self.x = x
        }
    }

    /// An imaged well: its name and zero-based position in the plate (A01 → row 0, column 0).
    public struct Well: Hashable, Sendable, Codable {
        public var name: String
        public var row: Int
        public var column: Int
        public var sites: [Site]

        public init(name: String, row: Int, column: Int, sites: [Site]) {
            self.name = name
            self.row = row
            self.column = column
            self.sites = sites
        }
    }

    public struct Plate: Hashable, Sendable, Codable {
        public var name: String
        public var wells: [Well]

        public init(name: String, wells: [Well]) {
            self.name = name
            self.wells = wells
        }
    }

    /// In placement order: plate k goes to plate-grid cell (k mod R, k div R), column-major,
    /// in a grid of `guessStitchDimensions(plates.count, majorAxis: .vertical)` (§1.2).
    public var plates: [Plate]
    /// Size of every site image. TissueMAPS silently used the first site's size for all
    /// (§7 bug 5); unequal sizes must be rejected before a spec is built.
    public var siteSize: PixelSize
    /// Pixels between neighbouring wells of a plate (TissueMAPS `well_spacer_size`).
    public var wellSpacer: Int
    /// Pixels between neighbouring plates (TissueMAPS: twice the well spacer).
    public var plateSpacer: Int
    /// Extra pixels between neighbouring sites, (vertical, horizontal); negative overlaps.
    public var siteDisplacement: PixelOffset
    public var tileSize: Int
    public var zoomFactor: Int

    /// Defaults are TissueMAPS' experiment defaults.
    public init(plates: [Plate], siteSize: PixelSize, wellSpacer: Int = 500, plateSpacer: Int = 1000,
                siteDisplacement: PixelOffset = PixelOffset(y: 0, x: 0), tileSize: Int = 256,
                zoomFactor: Int = 2) {
        self.plates = plates
        self.siteSize = siteSize
        self.wellSpacer = wellSpacer
        self.plateSpacer = plateSpacer
        self.siteDisplacement = siteDisplacement
        self.tileSize = tileSize
        self.zoomFactor = zoomFactor
    }
}
