/// One plate, well or site outline for the map (TissueMAPS §4.4).
public struct MapObjectOutline: Hashable, Sendable {
    public var type: MapObjectType
    /// Unique within its type: `plate01`, `plate01/A02`, `plate01/A02/0,1` (site y,x).
    public var name: String
    public var plate: String
    public var well: String?
    /// The site's position in its well's site grid.
    public var site: PlateLayoutSpec.Site?
    /// Closed ring ur, ul, ll, lr, ur.
    public var ring: [MapPoint]
    public var centroid: MapPoint

    public init(type: MapObjectType, name: String, plate: String, well: String? = nil,
                site: PlateLayoutSpec.Site? = nil, offset: PixelOffset, size: PixelSize) {
        self.type = type
        self.name = name
        self.plate = plate
        self.well = well
        self.site = site
        // The box inset by one pixel on each side: x ∈ [ox+1, ox+w−2], row ∈ [oy+1, oy+h−2].
        let left = Double(offset.x + 1), right = Double(offset.x + size.width - 2)
        let top = Double(-(offset.y + 1)), bottom = Double(-(offset.y + size.height - 2))
        let ur = MapPoint(x: right, y: top), ul = MapPoint(x: left, y: top)
        let ll = MapPoint(x: left, y: bottom), lr = MapPoint(x: right, y: bottom)
        self.ring = [ur, ul, ll, lr, ur]
        self.centroid = MapPoint(x: (left + right) / 2, y: (top + bottom) / 2)
    }

    /// Well-known text, as PostGIS reads it.
    public var wkt: String {
        "POLYGON((" + ring.map { "\(format($0.x)) \(format($0.y))" }.joined(separator: ",") + "))"
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

extension PlateLayout {
    /// Every plate, well and site outline. Plates use their own size, wells the plate-level
    /// well size, sites their aligned region (`residues` by plate, well and site index, in
    /// layout order; TissueMAPS always used the aligned region, whether or not the build
    /// aligned).
    public func mapObjectOutlines(
        residues: (_ plate: Int, _ well: Int, _ site: Int) -> SiteResidues = { _, _, _ in .none }
    ) -> [MapObjectOutline] {
        var outlines: [MapObjectOutline] = []
        for (p, plate) in plates.enumerated() {
            outlines.append(MapObjectOutline(type: .plates, name: plate.name, plate: plate.name,
                                             offset: plate.offset, size: plate.size))
            for (w, well) in plate.wells.enumerated() {
                outlines.append(MapObjectOutline(type: .wells, name: "\(plate.name)/\(well.name)",
                                                 plate: plate.name, well: well.name,
                                                 offset: well.offset, size: well.size))
                for (s, site) in well.sites.enumerated() {
                    let region = residues(p, w, s).alignedRegion(offset: site.offset, size: spec.siteSize)
                    outlines.append(MapObjectOutline(
                        type: .sites, name: "\(plate.name)/\(well.name)/\(site.y),\(site.x)",
                        plate: plate.name, well: well.name, site: PlateLayoutSpec.Site(y: site.y, x: site.x),
                        offset: region.offset, size: region.size))
                }
            }
        }
        return outlines
    }
}
