extension ExperimentBuilder {
    /// The site size and bit depth that most images have, when any image is usable.
    struct ImageFormat: Equatable {
        var size: PixelSize
        var bitDepth: Int
    }

    /// Checks that each file is listed once and is a usable image, and that all images have
    /// one size and one bit depth. The odd ones out are the images that differ from the
    /// majority: one 8-bit file among fifteen 16-bit ones is the one to fix, wherever it
    /// appears in the manifest.
    static func checkFiles(_ entries: [ManifestEntry], _ files: [String: ImageFileStatus],
                           problems: inout [ManifestProblem]) -> ImageFormat? {
        var firstOfPath: [String: ManifestLocation] = [:]
        var images: [(location: ManifestLocation, size: PixelSize, bitDepth: Int)] = []
        for entry in entries {
            if let first = firstOfPath[entry.path] {
                problems.append(ManifestProblem(entry.location, "same file as \(first): \(entry.path)"))
                continue
            }
            firstOfPath[entry.path] = entry.location
            switch files[entry.path] ?? .unusable("not checked") {
            case .unusable(let reason):
                problems.append(ManifestProblem(entry.location, reason))
            case .image(let width, let height, let bitDepth):
                images.append((entry.location, PixelSize(height: height, width: width), bitDepth))
            }
        }
        guard let size = mostCommon(images.map(\.size)), let bitDepth = mostCommon(images.map(\.bitDepth)) else { return nil }
        let sizeCount = images.count { $0.size == size }
        let depthCount = images.count { $0.bitDepth == bitDepth }
        let firstOfSize = images.first { $0.size == size }!.location
        let firstOfDepth = images.first { $0.bitDepth == bitDepth }!.location
        for image in images {
            if image.size != size {
                problems.append(ManifestProblem(image.location,
                    "image is \(image.size.height)×\(image.size.width) (height×width) but \(sizeCount) of the \(images.count) images are \(size.height)×\(size.width), the first on \(firstOfSize); all sites must have the same size"))
            }
            if image.bitDepth != bitDepth {
                problems.append(ManifestProblem(image.location,
                    "image is \(image.bitDepth)-bit but \(depthCount) of the \(images.count) images are \(bitDepth)-bit, the first on \(firstOfDepth); all images must have the same bit depth"))
            }
        }
        return ImageFormat(size: size, bitDepth: bitDepth)
    }

    /// The value that occurs most often; among equally frequent values, the one seen first.
    static func mostCommon<T: Hashable>(_ values: [T]) -> T? {
        var counts: [T: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        var best: (value: T, count: Int)?
        for value in values where counts[value]! > (best?.count ?? 0) { best = (value, counts[value]!) }
        return best?.value
    }

    /// A shift of a whole site or more in either direction leaves none of its pixels in
    /// place: such a shift is a mistake in the manifest, not an alignment.
    static func checkShift(_ shift: PixelOffset, siteSize: PixelSize) -> String? {
        guard shift.y.magnitude >= UInt(siteSize.height) || shift.x.magnitude >= UInt(siteSize.width) else { return nil }
        return "shift (\(shift.y), \(shift.x)) is not smaller than the site (\(siteSize.height)×\(siteSize.width), height×width): "
            + "shift_y must lie between \(1 - siteSize.height) and \(siteSize.height - 1), shift_x between \(1 - siteSize.width) and \(siteSize.width - 1)"
    }
}
