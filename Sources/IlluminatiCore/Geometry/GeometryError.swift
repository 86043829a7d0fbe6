/// Why a plate layout cannot be computed from a `PlateLayoutSpec`.
public enum GeometryError: Error, Equatable, Sendable, CustomStringConvertible {
    case noPlates
    case emptyPlate(plate: String)
    case emptyWell(plate: String, well: String)
    case negativeWellPosition(plate: String, well: String, row: Int, column: Int)
    case negativeSitePosition(plate: String, well: String, y: Int, x: Int)
    case nonPositiveSiteSize(PixelSize)
    /// The same well name twice in one plate.
    case duplicateWell(plate: String, well: String)
    /// Two differently named wells at the same plate position.
    case wellsShareAPosition(plate: String, first: String, second: String, row: Int, column: Int)
    case duplicateSite(plate: String, well: String, y: Int, x: Int)
    case negativeWellSpacer(Int)
    case negativePlateSpacer(Int)
    /// A displacement that makes a site start at or before its neighbour's start.
    case siteDisplacementTooNegative(displacement: PixelOffset, siteSize: PixelSize)
    case invalidTileSize(Int)
    case invalidZoomFactor(Int)
    /// A grid position, site side, spacer or displacement beyond `PlateLayoutSpec`'s limits.
    case tooLarge(what: String, value: Int, limit: Int)
    /// A mosaic side beyond `PlateLayout.maxMosaicSide` (nil: it does not even fit an Int).
    case mosaicTooLarge(height: Int?, width: Int?)

    public var description: String {
        switch self {
        case .noPlates:
            return "the experiment has no plates to lay out"
        case .emptyPlate(let plate):
            return "plate \(plate) has no wells"
        case .emptyWell(let plate, let well):
            return "well \(well) of plate \(plate) has no sites"
        case .negativeWellPosition(let plate, let well, let row, let column):
            return "well \(well) of plate \(plate) has a negative position (row \(row), column \(column))"
        case .negativeSitePosition(let plate, let well, let y, let x):
            return "a site of well \(well) of plate \(plate) has a negative grid position (y \(y), x \(x))"
        case .nonPositiveSiteSize(let size):
            return "site size \(size) is invalid: height and width must be positive"
        case .duplicateWell(let plate, let well):
            return "plate \(plate) lists well \(well) more than once"
        case .wellsShareAPosition(let plate, let first, let second, let row, let column):
            return "wells \(first) and \(second) of plate \(plate) are both at row \(row), column \(column)"
        case .duplicateSite(let plate, let well, let y, let x):
            return "well \(well) of plate \(plate) lists site (y \(y), x \(x)) more than once"
        case .negativeWellSpacer(let value):
            return "well spacer \(value) is invalid: it must not be negative"
        case .negativePlateSpacer(let value):
            return "plate spacer \(value) is invalid: it must not be negative"
        case .siteDisplacementTooNegative(let displacement, let size):
            return "site displacement \(displacement) is invalid for sites of \(size): each site must start after its neighbour"
        case .invalidTileSize(let value):
            return "tile size \(value) is invalid: it must be positive"
        case .invalidZoomFactor(let value):
            return "zoom factor \(value) is invalid: it must be at least 2"
        case .tooLarge(let what, let value, let limit):
            return "\(what) \(value) is too large (at most \(limit))"
        case .mosaicTooLarge(let height, let width):
            func side(_ value: Int?) -> String { value.map(String.init) ?? "more than \(Int.max)" }
            return "the mosaic would be \(side(height))×\(side(width)) pixels (height×width); each side must be at most \(PlateLayout.maxMosaicSide)"
        }
    }
}
