/// Why a grid could not be guessed, laid out or recovered from stage positions.
public enum StitchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A grid was asked for fewer than one item.
    case invalidCount(Int)
    /// Grid dimensions with fewer than one row or column.
    case invalidDimensions(GridDimensions)
    /// No stage positions were given.
    case noPositions
    /// A stage position has a NaN or infinite coordinate.
    case nonFinitePosition(index: Int)
    /// Two sites report exactly the same stage position.
    case duplicatePosition(first: Int, second: Int)
    /// The number of positions is not the number of cells of the given dimensions.
    case countMismatch(dimensions: GridDimensions, count: Int)
    /// The positions are not one-per-cell of any rectangular grid. `best` is the closest
    /// arrangement tried and `score` its spread-to-spacing ratio (nil when no arrangement
    /// put exactly one position in every cell).
    case notAGrid(count: Int, best: GridDimensions?, score: Double?)
    /// The acquisition order of the positions follows none of the four layouts.
    case noMatchingLayout(dimensions: GridDimensions)

    public var description: String {
        switch self {
        case .invalidCount(let n):
            return "cannot arrange \(n) items in a grid: at least 1 is needed"
        case .invalidDimensions(let d):
            return "grid dimensions \(d) are invalid: rows and columns must be at least 1"
        case .noPositions:
            return "no stage positions given: cannot derive a site grid from 0 positions"
        case .nonFinitePosition(let i):
            return "stage position \(i) has a coordinate that is not a finite number"
        case .duplicatePosition(let a, let b):
            return "stage positions \(a) and \(b) are duplicates (identical coordinates); each site needs its own position"
        case .countMismatch(let d, let n):
            return "grid \(d) has \(d.count) cells but \(n) stage positions were given"
        case .notAGrid(let n, let best?, let score?):
            return "the \(n) stage positions do not form a grid: best candidate \(best) has spread/spacing \(Self.format(score)) (at most \(Self.format(PositionClustering.maximumScore)) allowed)"
        case .notAGrid(let n, let best?, nil):
            return "the \(n) stage positions do not form a grid: candidate \(best) does not put exactly one position in every cell"
        case .notAGrid(let n, _, _):
            return "the \(n) stage positions do not form a grid: no rows × columns arrangement puts exactly one position in every cell"
        case .noMatchingLayout(let d):
            return "the acquisition order of the \(d) grid matches none of the layouts \(StitchLayout.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }

    /// Three decimals are enough to tell a near miss from scatter; keeps the message one line.
    private static func format(_ value: Double) -> String {
        guard value.isFinite, value < 1e9 else { return "unbounded" }
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
