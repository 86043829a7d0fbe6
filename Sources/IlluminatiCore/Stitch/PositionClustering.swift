/// Recovers a full rectangular grid from jittered stage positions: the replacement for
/// TissueMAPS' k-means-and-binning heuristic (§5.5), which picked wrong grids for 4×4, 3×4
/// and 6×2 and failed for prime counts (bug 14).
///
/// For a candidate R × C the y values are cut into R groups at their R − 1 widest gaps and
/// the x values into C groups likewise. The candidate is a grid only if every (row, column)
/// cell then holds exactly one position. Its score compares the jitter to the spacing:
/// on each axis with several groups, the widest group's range over the narrowest gap
/// between groups; an axis with a single group (a 1 × n or n × 1 grid) has no spacing of its
/// own and is compared with the other axis' spacing. The score is the larger of the two, so
/// it does not depend on the units or on the spacing differing between the axes. With jitter
/// up to ±10 % of the spacing a true grid scores at most 0.2 / 0.8 = 0.25, while any wrong
/// cut either merges two true rows/columns (range ≥ 0.8 spacing) or splits one (gap ≤ 0.2
/// spacing) and scores well above that. For a single row or column the jitter across it is
/// measured against the spacing along it, so there the two spacings may differ by up to
/// about a factor of 2 (at ±10 % jitter).
enum PositionClustering {
    /// Highest accepted score: twice the worst case of ±10 % jitter, well below the ≈ 0.67
    /// that the mildest wrong cut reaches.
    static let maximumScore = 0.5

    /// A candidate grid that puts exactly one position in every cell.
    struct Fit {
        var dimensions: GridDimensions
        /// `indices[i]` is the cell of position i.
        var indices: [GridIndex]
        /// Spread relative to spacing; `.infinity` when two groups touch.
        var score: Double
    }

    /// The coordinates the clustering works on, after the optional negation; rejects input
    /// no grid can be made of.
    static func coordinates(_ positions: [StagePosition], reverseRows: Bool,
                            reverseColumns: Bool) throws -> (ys: [Double], xs: [Double]) {
        guard !positions.isEmpty else { throw StitchError.noPositions }
        if let bad = positions.firstIndex(where: { !$0.y.isFinite || !$0.x.isFinite }) {
            throw StitchError.nonFinitePosition(index: bad)
        }
        let order = positions.indices.sorted { a, b in
            (positions[a].y, positions[a].x, a) < (positions[b].y, positions[b].x, b)
        }
        for (a, b) in zip(order, order.dropFirst()) where positions[a] == positions[b] {
            throw StitchError.duplicatePosition(first: min(a, b), second: max(a, b))
        }
        let ys = positions.map { reverseRows ? -$0.y : $0.y }
        let xs = positions.map { reverseColumns ? -$0.x : $0.x }
        return (ys, xs)
    }

    /// The best grid over all factorisations of the count (ties go to fewer rows), or nil
    /// when none puts exactly one position in every cell.
    static func bestFit(ys: [Double], xs: [Double]) -> Fit? {
        let count = ys.count
        var best: Fit?
        for rows in 1...count where count % rows == 0 {
            let dimensions = GridDimensions(rows: rows, columns: count / rows)
            guard let candidate = fit(ys: ys, xs: xs, dimensions: dimensions) else { continue }
            if best == nil || candidate.score < best!.score { best = candidate }
        }
        return best
    }

    /// The given dimensions applied to the positions, or nil when some cell does not get
    /// exactly one position. Requires `dimensions.count == ys.count == xs.count`.
    static func fit(ys: [Double], xs: [Double], dimensions: GridDimensions) -> Fit? {
        let rowGroups = AxisGroups(ys, groupCount: dimensions.rows)
        let columnGroups = AxisGroups(xs, groupCount: dimensions.columns)
        var occupied = [Bool](repeating: false, count: dimensions.count)
        var indices: [GridIndex] = []
        indices.reserveCapacity(ys.count)
        for i in ys.indices {
            let cell = GridIndex(row: rowGroups.group[i], column: columnGroups.group[i])
            let slot = cell.row * dimensions.columns + cell.column
            guard !occupied[slot] else { return nil }
            occupied[slot] = true
            indices.append(cell)
        }
        return Fit(dimensions: dimensions, indices: indices,
                   score: score(rows: rowGroups, columns: columnGroups))
    }

    private static func score(rows: AxisGroups, columns: AxisGroups) -> Double {
        func ratio(_ spread: Double, _ gap: Double) -> Double {
            gap > 0 ? spread / gap : .infinity
        }
        switch (rows.narrowestGap, columns.narrowestGap) {
        case let (rowGap?, columnGap?):
            return max(ratio(rows.widestGroup, rowGap), ratio(columns.widestGroup, columnGap))
        case let (gap?, nil), let (nil, gap?):
            return ratio(max(rows.widestGroup, columns.widestGroup), gap)
        case (nil, nil):
            return 0
        }
    }
}

extension PositionClustering {
    /// One axis of positions cut into a given number of groups at the widest gaps between
    /// sorted values; groups are numbered in increasing value.
    struct AxisGroups {
        /// `group[i]` is the group of value i.
        var group: [Int]
        /// Largest max − min within one group.
        var widestGroup: Double
        /// Smallest gap between neighbouring groups; nil for a single group.
        var narrowestGap: Double?

        init(_ values: [Double], groupCount: Int) {
            precondition(groupCount >= 1 && groupCount <= values.count)
            let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
            let gaps = zip(order, order.dropFirst()).map { values[$1] - values[$0] }
            // Equal gaps are cut left first so the result never depends on sort stability.
            let cutPositions = gaps.indices
                .sorted { (gaps[$0], $1) > (gaps[$1], $0) }
                .prefix(groupCount - 1)
            var cuts = [Bool](repeating: false, count: gaps.count)
            for position in cutPositions { cuts[position] = true }

            group = [Int](repeating: 0, count: values.count)
            widestGroup = 0
            narrowestGap = cutPositions.map { gaps[$0] }.min()
            var current = 0
            var groupStart = values[order[0]]
            for (rank, index) in order.enumerated() {
                if rank > 0, cuts[rank - 1] {
                    current += 1
                    groupStart = values[index]
                }
                group[index] = current
                widestGroup = max(widestGroup, values[index] - groupStart)
            }
        }
    }
}
