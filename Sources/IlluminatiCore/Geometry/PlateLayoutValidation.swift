extension PlateLayoutSpec {
    /// The largest site row or column in a well, well row or column in a plate, site side,
    /// spacer and displacement a spec may have. With these bounds no plate's size can overflow
    /// (each stays below 2^58), and the mosaic is summed with overflow checks
    /// (`GeometryError.mosaicTooLarge`), so no spec makes `PlateLayout` trap.
    public static let maxGridIndex = 9_999
    public static let maxLength = 1 << 28

    /// Rejects specs whose layout would be meaningless or overlap, before any arithmetic,
    /// so `PlateLayout` never computes a mosaic from partial data.
    func validate() throws {
        for (what, value) in [("site height", siteSize.height), ("site width", siteSize.width),
                              ("well spacer", wellSpacer), ("plate spacer", plateSpacer),
                              ("vertical site displacement", Int(clamping: siteDisplacement.y.magnitude)),
                              ("horizontal site displacement", Int(clamping: siteDisplacement.x.magnitude))]
        where value > Self.maxLength {
            throw GeometryError.tooLarge(what: what, value: value, limit: Self.maxLength)
        }
        guard tileSize >= 1 else { throw GeometryError.invalidTileSize(tileSize) }
        guard zoomFactor >= 2 else { throw GeometryError.invalidZoomFactor(zoomFactor) }
        guard wellSpacer >= 0 else { throw GeometryError.negativeWellSpacer(wellSpacer) }
        guard plateSpacer >= 0 else { throw GeometryError.negativePlateSpacer(plateSpacer) }
        guard siteSize.height >= 1, siteSize.width >= 1 else { throw GeometryError.nonPositiveSiteSize(siteSize) }
        guard siteSize.height + siteDisplacement.y >= 1, siteSize.width + siteDisplacement.x >= 1 else {
            throw GeometryError.siteDisplacementTooNegative(displacement: siteDisplacement, siteSize: siteSize)
        }
        guard !plates.isEmpty else { throw GeometryError.noPlates }
        for plate in plates {
            guard !plate.wells.isEmpty else { throw GeometryError.emptyPlate(plate: plate.name) }
            var namesSeen = Set<String>()
            var wellAt: [GridIndex: String] = [:]
            for well in plate.wells {
                guard well.row >= 0, well.column >= 0 else {
                    throw GeometryError.negativeWellPosition(plate: plate.name, well: well.name,
                                                             row: well.row, column: well.column)
                }
                guard max(well.row, well.column) <= Self.maxGridIndex else {
                    throw GeometryError.tooLarge(what: "position of well \(well.name) of plate \(plate.name)",
                                                 value: max(well.row, well.column), limit: Self.maxGridIndex)
                }
                guard namesSeen.insert(well.name).inserted else {
                    throw GeometryError.duplicateWell(plate: plate.name, well: well.name)
                }
                let position = GridIndex(row: well.row, column: well.column)
                if let other = wellAt[position] {
                    throw GeometryError.wellsShareAPosition(plate: plate.name, first: other, second: well.name,
                                                            row: well.row, column: well.column)
                }
                wellAt[position] = well.name
                try validateSites(of: well, in: plate)
            }
        }
    }

    private func validateSites(of well: Well, in plate: Plate) throws {
        guard !well.sites.isEmpty else { throw GeometryError.emptyWell(plate: plate.name, well: well.name) }
        var seen = Set<Site>()
        for site in well.sites {
            guard site.y >= 0, site.x >= 0 else {
                throw GeometryError.negativeSitePosition(plate: plate.name, well: well.name, y: site.y, x: site.x)
            }
            guard max(site.y, site.x) <= Self.maxGridIndex else {
                throw GeometryError.tooLarge(what: "site position in well \(well.name) of plate \(plate.name)",
                                             value: max(site.y, site.x), limit: Self.maxGridIndex)
            }
            guard seen.insert(site).inserted else {
                throw GeometryError.duplicateSite(plate: plate.name, well: well.name, y: site.y, x: site.x)
            }
        }
    }
}
