/// Chooses a rows × columns grid that holds `count` items, exactly as TissueMAPS'
/// `guess_stitch_dimensions` (§5.1); used for the plate grid (§1.2).
///
/// With m = 2 for count < 4 and ⌊√count⌋ otherwise, it considers the pairs a ≤ b ≤ 2m whose
/// product reaches `count`, keeps those with the smallest product, and returns a square one
/// if there is one, else the one with the smallest a. That is not always the most square
/// grid: 22 gives 8×3 (product 24, found before 6×4). `.vertical` puts the larger side in
/// the rows, `.horizontal` in the columns.
///
/// - Throws: `StitchError.invalidCount` when `count < 1`.
public func guessStitchDimensions(_ count: Int, majorAxis: StitchAxis = .vertical) throws -> GridDimensions {
    guard count >= 1 else { throw StitchError.invalidCount(count) }
    let limit = 2 * (count < 4 ? 2 : integerSquareRoot(count))
    // For a fixed a the smallest qualifying product comes from the smallest b ≥ max(a, ⌈n/a⌉);
    // scanning a upwards and keeping only strictly smaller products keeps the first (smallest a),
    // and a square, if it has the minimal product, is unique and found the same way.
    var best: (small: Int, large: Int, product: Int)?
    var square: Int?
    for a in 1...limit {
        let b = max(a, (count + a - 1) / a)
        guard b <= limit else { continue }
        let product = a * b
        if best == nil || product < best!.product {
            best = (a, b, product)
            square = nil
        }
        if product == best!.product, a == b { square = a }
    }
    // (m + 1)² > count and m + 1 ≤ 2m, so some pair always qualifies.
    let found = best!
    if let side = square { return GridDimensions(rows: side, columns: side) }
    switch majorAxis {
    case .vertical: return GridDimensions(rows: found.large, columns: found.small)
    case .horizontal: return GridDimensions(rows: found.small, columns: found.large)
    }
}

/// ⌊√n⌋ for n ≥ 0, corrected after the floating-point estimate so large n are exact.
private func integerSquareRoot(_ n: Int) -> Int {
    var root = Int(Double(n).squareRoot())
    while root > 0, root.multipliedReportingOverflow(by: root).overflow || root * root > n { root -= 1 }
    while case let (next, false) = (root + 1).multipliedReportingOverflow(by: root + 1), next <= n { root += 1 }
    return root
}
