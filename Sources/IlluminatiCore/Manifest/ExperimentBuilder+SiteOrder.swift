extension ExperimentBuilder {
    /// The grid cell of each entry with a `site` (acquisition-order) index, by `ordinal`.
    ///
    /// All wells share one grid, as in TissueMAPS' metaconfig, which required every well to
    /// have the same number of sites: `stitch.dimensions`, or else `guessStitchDimensions`
    /// of the highest index + 1 with the vertical major axis. An index outside the grid is a
    /// problem of its row; layout or dimensions given for a manifest without `site` are a
    /// problem of the whole manifest, since they would silently do nothing.
    static func orderedSiteGrid(_ entries: [ManifestEntry], stitch: StitchOptions,
                                problems: inout [ManifestProblem]) -> [Int: (y: Int, x: Int, stage: StagePosition?)] {
        let ordered = entries.compactMap { entry -> (entry: ManifestEntry, index: Int)? in
            if case .order(let index) = entry.position { return (entry, index) }
            return nil
        }
        guard let highest = ordered.map(\.index).max() else {
            if stitch.layout != nil || stitch.dimensions != nil {
                problems.append(ManifestProblem(.wholeManifest,
                    "a stitch layout or dimensions were given, but no row gives a site index (they apply to the site column only)"))
            }
            return [:]
        }
        let sides = 1...(ManifestLimits.siteIndex.upperBound + 1)
        if let given = stitch.dimensions, !sides.contains(given.rows) || !sides.contains(given.columns) {
            problems.append(ManifestProblem(.wholeManifest,
                "stitch dimensions \(given) are invalid: rows and columns must be 1…\(sides.upperBound)"))
            return [:]
        }
        // highest + 1 ≤ 10⁶ (ManifestLimits.siteOrder), so the guess is at most 2000 a side.
        let dimensions = try! stitch.dimensions ?? guessStitchDimensions(highest + 1, majorAxis: .vertical)
        let layout = stitch.layout ?? StitchOptions.defaultLayout
        var grid: [Int: (y: Int, x: Int, stage: StagePosition?)] = [:]
        for (entry, index) in ordered {
            guard index < dimensions.count else {
                problems.append(ManifestProblem(entry.location,
                    "site \(index) is outside the \(dimensions) stitch grid, which holds sites 0…\(dimensions.count - 1)"))
                continue
            }
            let cell = layout.cell(ofSite: index, in: dimensions)
            grid[entry.ordinal] = (cell.row, cell.column, nil)
        }
        return grid
    }
}
