/// The values each numeric manifest column may take (README, "Manifest").
///
/// The bounds are far beyond any real acquisition, and small enough that every derived
/// quantity (mosaic offsets, database `integer` columns) is computed and stored exactly:
/// without them, `site_y=9223372036854775807` overflowed the plate layout and
/// `cycle=3000000000` reached PostgreSQL as an out-of-range integer.
public enum ManifestLimits {
    /// `site_y`, `site_x`: zero-based site row and column in a well.
    public static let siteIndex = 0...9_999
    /// `site`: zero-based acquisition-order index in a well; its grid (`StitchOptions`) must
    /// keep each side within `siteIndex`.
    public static let siteOrder = 0...999_999
    public static let cycle = 0...999
    public static let tpoint = 0...99_999
    public static let zplane = 0...9_999
    /// `stage_y`, `stage_x`: any unit, at most this far from zero.
    public static let stageMagnitude = 1e12
    /// `shift_y`, `shift_x` as read; the real bound, smaller than the site in each direction,
    /// is checked once the image size is known (`ExperimentBuilder`).
    public static let shift = -Int(Int32.max)...Int(Int32.max)
}
