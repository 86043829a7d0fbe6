/// Whole numbers in manifest fields, as CSV text or as JSON writes them (`3`, `3.0`, `3e2`).
enum ManifestNumber {
    /// The value, or what is wrong with it, phrased to follow the column name.
    static func whole(_ text: String, in range: ClosedRange<Int>) -> Result<Int, Problem> {
        let value: Int
        if let exact = Int(text) {
            value = exact
        } else if let number = Double(text), number.isFinite, number == number.rounded() {
            // Beyond Int the number is out of range whatever the column; say so, not "not whole".
            guard number.magnitude < 0x1p62 else { return .failure(Problem(outOfRange: text, range)) }
            value = Int(number)
        } else {
            return .failure(Problem("must be a whole number, not \"\(text)\""))
        }
        guard range.contains(value) else {
            if value < 0 && range.lowerBound == 0 { return .failure(Problem("must not be negative (\(text))")) }
            return .failure(Problem(outOfRange: text, range))
        }
        return .success(value)
    }

    struct Problem: Error, Equatable, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
        init(outOfRange text: String, _ range: ClosedRange<Int>) {
            self.init("must be between \(range.lowerBound) and \(range.upperBound), not \(text)")
        }
    }
}
