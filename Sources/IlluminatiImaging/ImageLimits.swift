/// Guards against headers that promise more pixels than anyone should allocate.
public enum ImageLimits {
    /// The pixel budget of one site image (README, "Manifest"): 2^28 pixels, e.g. 16 384 ×
    /// 16 384, 512 MiB once decoded to 16 bits. Far beyond a camera frame; a header claiming
    /// more is damaged or not a site image, and each worker decodes several images at once.
    public static let maxPixels = 1 << 28

    static func pixelCount(_ width: Int, _ height: Int) throws -> Int {
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard width > 0, height > 0, !overflow, count <= maxPixels else {
            throw ImageFailure("image size \(height)×\(width) (height×width) is above the pixel budget of \(maxPixels) pixels per image")
        }
        return count
    }
}
