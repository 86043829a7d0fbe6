/// An experiment as registered: the plates, wells and sites that were imaged, the channels
/// and cycles, and one entry per 2-D image file. Arrays are in a canonical order: plates in
/// placement order, wells by name, sites by (y, x), channels by first appearance in the
/// manifest, cycles ascending, images by manifest line.
public struct Experiment: Sendable, Equatable {
    public var name: String
    public var plateFormat: PlateFormat
    public var siteSize: PixelSize
    public var bitDepth: Int
    public var layout: LayoutSettings
    public var plates: [Plate]
    public var channels: [Channel]
    public var cycles: [Int]
    public var images: [ImageFile]
    public var shifts: [SiteShift]
    public var manifestPath: String

    public init(name: String, plateFormat: PlateFormat, siteSize: PixelSize, bitDepth: Int,
                layout: LayoutSettings = LayoutSettings(), plates: [Plate], channels: [Channel], cycles: [Int],
                images: [ImageFile], shifts: [SiteShift], manifestPath: String) {
        self.name = name
        self.plateFormat = plateFormat
        self.siteSize = siteSize
        self.bitDepth = bitDepth
        self.layout = layout
        self.plates = plates
        self.channels = channels
        self.cycles = cycles
        self.images = images
        self.shifts = shifts
        self.manifestPath = manifestPath
    }

    public struct Plate: Sendable, Equatable {
        public var name: String
        public var wells: [Well]
        public init(name: String, wells: [Well]) { self.name = name; self.wells = wells }
    }

    public struct Well: Sendable, Equatable {
        public var name: WellName
        public var sites: [Site]
        public init(name: WellName, sites: [Site]) { self.name = name; self.sites = sites }
    }

    public struct Site: Sendable, Equatable {
        public var y: Int
        public var x: Int
        public var stage: StagePosition?
        public init(y: Int, x: Int, stage: StagePosition? = nil) { self.y = y; self.x = x; self.stage = stage }
    }

    /// Indices into `plates`, the plate's `wells`, and the well's `sites`.
    public struct SiteKey: Hashable, Sendable, Comparable {
        public var plate: Int
        public var well: Int
        public var site: Int
        public init(plate: Int, well: Int, site: Int) { self.plate = plate; self.well = well; self.site = site }
        public static func < (a: SiteKey, b: SiteKey) -> Bool { (a.plate, a.well, a.site) < (b.plate, b.well, b.site) }
    }

    public struct Channel: Sendable, Equatable {
        public var name: String
        public var bitDepth: Int
        public init(name: String, bitDepth: Int) { self.name = name; self.bitDepth = bitDepth }
    }

    public struct ImageFile: Sendable, Equatable {
        public var site: SiteKey
        /// Index into `channels`.
        public var channel: Int
        /// Cycle number as in the manifest (an element of `cycles`).
        public var cycle: Int
        public var tpoint: Int
        public var zplane: Int
        /// Absolute path.
        public var path: String
        /// Manifest line the file came from, for error messages.
        public var line: Int
        public init(site: SiteKey, channel: Int, cycle: Int, tpoint: Int, zplane: Int, path: String, line: Int) {
            self.site = site; self.channel = channel; self.cycle = cycle
            self.tpoint = tpoint; self.zplane = zplane; self.path = path; self.line = line
        }
    }

    /// A site's images in `cycle` show scene(r + shift.y, c + shift.x).
    public struct SiteShift: Sendable, Equatable {
        public var site: SiteKey
        public var cycle: Int
        public var shift: PixelOffset
        public init(site: SiteKey, cycle: Int, shift: PixelOffset) { self.site = site; self.cycle = cycle; self.shift = shift }
    }

    /// Spacers, displacements and tiling as TissueMAPS' experiment defaults.
    public struct LayoutSettings: Sendable, Equatable {
        public var wellSpacer = 500
        public var plateSpacer = 1000
        public var siteDisplacement = PixelOffset(y: 0, x: 0)
        public var tileSize = 256
        public var zoomFactor = 2
        public init() {}
    }

    /// What the geometry needs: plates in placement order, wells with their positions.
    public var layoutSpec: PlateLayoutSpec {
        var spec = PlateLayoutSpec(
            plates: plates.map { plate in
                PlateLayoutSpec.Plate(name: plate.name, wells: plate.wells.map { well in
                    PlateLayoutSpec.Well(name: well.name.description, row: well.name.row, column: well.name.column,
                                         sites: well.sites.map { PlateLayoutSpec.Site(y: $0.y, x: $0.x) })
                })
            },
            siteSize: siteSize)
        spec.wellSpacer = layout.wellSpacer
        spec.plateSpacer = layout.plateSpacer
        spec.siteDisplacement = layout.siteDisplacement
        spec.tileSize = layout.tileSize
        spec.zoomFactor = layout.zoomFactor
        return spec
    }

    /// One pyramid per channel × cycle × tpoint × zplane that has images, named after the
    /// channel plus a suffix for each of cycle, tpoint and zplane that varies in the experiment.
    public var layers: [ChannelLayer] {
        var seen = Set<ChannelLayer.Key>()
        for image in images {
            seen.insert(ChannelLayer.Key(channel: image.channel, cycle: image.cycle, tpoint: image.tpoint, zplane: image.zplane))
        }
        let multipleCycles = Set(images.map(\.cycle)).count > 1
        let multipleTpoints = Set(images.map(\.tpoint)).count > 1
        let multipleZplanes = Set(images.map(\.zplane)).count > 1
        return seen.sorted().map { key in
            var name = channels[key.channel].name
            if multipleCycles { name += "_c\(key.cycle)" }
            if multipleTpoints { name += "_t\(key.tpoint)" }
            if multipleZplanes { name += "_z\(key.zplane)" }
            return ChannelLayer(key: key, name: name)
        }
    }
}

public struct ChannelLayer: Sendable, Equatable {
    public struct Key: Hashable, Sendable, Comparable {
        public var channel: Int
        public var cycle: Int
        public var tpoint: Int
        public var zplane: Int
        public init(channel: Int, cycle: Int, tpoint: Int, zplane: Int) {
            self.channel = channel; self.cycle = cycle; self.tpoint = tpoint; self.zplane = zplane
        }
        public static func < (a: Key, b: Key) -> Bool {
            (a.channel, a.cycle, a.tpoint, a.zplane) < (b.channel, b.cycle, b.tpoint, b.zplane)
        }
    }
    public var key: Key
    public var name: String
    public init(key: Key, name: String) { self.key = key; self.name = name }
}
