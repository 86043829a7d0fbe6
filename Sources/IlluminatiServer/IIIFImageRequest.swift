/// An IIIF Image API 3.0 image request, `{region}/{size}/{rotation}/{quality}.{format}`, as the
/// spec's syntax reads it (§4), before anything is known about the image. A segment that is
/// not of that syntax is a 400; whether the request can be served is `IIIFTile`'s business.
struct IIIFImageRequest: Equatable, Sendable {
    enum Region: Equatable, Sendable {
        case full
        case square
        case pixels(x: Int, y: Int, width: Int, height: Int)
        case percent(x: Double, y: Double, width: Double, height: Double)
    }

    struct Size: Equatable, Sendable {
        enum Form: Equatable, Sendable {
            case max
            /// `w,`
            case width(Int)
            /// `,h`
            case height(Int)
            /// `w,h`
            case exact(width: Int, height: Int)
            /// `!w,h`
            case confined(width: Int, height: Int)
            /// `pct:n`
            case percent(Double)
        }

        /// The `^` prefix: the client allows upscaling.
        var upscaling: Bool
        var form: Form
    }

    struct Rotation: Equatable, Sendable {
        /// The `!` prefix.
        var mirrored: Bool
        var degrees: Double
    }

    enum Quality: String, Sendable {
        case color, gray, bitonal, `default`
    }

    /// The formats of §4.5.
    enum Format: String, Sendable {
        case jpg, tif, png, gif, jp2, pdf, webp
    }

    var region: Region
    var size: Size
    var rotation: Rotation
    var quality: Quality
    var format: Format

    /// `file` is the last path segment, `{quality}.{format}`.
    static func parse(region: String, size: String, rotation: String, file: String) throws(RouteError) -> IIIFImageRequest {
        guard let dot = file.lastIndex(of: ".") else {
            throw .badRequest("the last segment must be {quality}.{format}, not \(file.prefix(32))")
        }
        guard let quality = Quality(rawValue: String(file[..<dot])) else {
            throw .badRequest("quality must be default, color, gray or bitonal, not \(file[..<dot].prefix(32))")
        }
        guard let format = Format(rawValue: String(file[file.index(after: dot)...])) else {
            throw .badRequest("format must be one of jpg, tif, png, gif, jp2, pdf, webp, not \(file[file.index(after: dot)...].prefix(32))")
        }
        return IIIFImageRequest(region: try parseRegion(region[...]), size: try parseSize(size[...]),
                                rotation: try parseRotation(rotation[...]), quality: quality, format: format)
    }

    /// §4.1: a region of zero width or height is a 400 whatever the image.
    static func parseRegion(_ text: Substring) throws(RouteError) -> Region {
        switch text {
        case "full": return .full
        case "square": return .square
        default: break
        }
        let percent = text.hasPrefix("pct:")
        let parts = (percent ? text.dropFirst(4) : text).split(separator: ",", omittingEmptySubsequences: false)
        let malformed = RouteError.badRequest("region must be full, square, x,y,w,h or pct:x,y,w,h, not \(text.prefix(64))")
        guard parts.count == 4 else { throw malformed }
        if percent {
            let values = parts.map { decimal($0) }
            guard let x = values[0], let y = values[1], let w = values[2], let h = values[3] else { throw malformed }
            guard w > 0, h > 0 else { throw .badRequest("region \(text.prefix(64)) has no width or no height") }
            return .percent(x: x, y: y, width: w, height: h)
        }
        let values = parts.map { PathParameter.number($0) }
        guard let x = values[0], let y = values[1], let w = values[2], let h = values[3] else { throw malformed }
        guard w > 0, h > 0 else { throw .badRequest("region \(text.prefix(64)) has no width or no height") }
        return .pixels(x: x, y: y, width: w, height: h)
    }

    /// §4.2. `full` was the 2.x name of `max`.
    static func parseSize(_ text: Substring) throws(RouteError) -> Size {
        let upscaling = text.first == "^"
        let body = upscaling ? text.dropFirst() : text
        let malformed = RouteError.badRequest("size must be max, w,, ,h, w,h, !w,h or pct:n (each may start with ^), not \(text.prefix(64))")
        if body == "max" { return Size(upscaling: upscaling, form: .max) }
        if body.hasPrefix("pct:") {
            guard let n = decimal(body.dropFirst(4)) else { throw malformed }
            guard n > 0 else { throw .badRequest("size \(text.prefix(64)) is less than one pixel") }
            guard upscaling || n <= 100 else {
                throw .badRequest("size \(text.prefix(64)) is larger than the region; upscaling needs ^")
            }
            return Size(upscaling: upscaling, form: .percent(n))
        }
        let confined = body.first == "!"
        let pair = (confined ? body.dropFirst() : body).split(separator: ",", omittingEmptySubsequences: false)
        guard pair.count == 2 else { throw malformed }
        let width = pair[0].isEmpty ? nil : PathParameter.number(pair[0])
        let height = pair[1].isEmpty ? nil : PathParameter.number(pair[1])
        guard (pair[0].isEmpty || width != nil) && (pair[1].isEmpty || height != nil) else { throw malformed }
        guard width != 0 && height != 0 else { throw .badRequest("size \(text.prefix(64)) is less than one pixel") }
        switch (width, height, confined) {
        case let (w?, h?, false): return Size(upscaling: upscaling, form: .exact(width: w, height: h))
        case let (w?, h?, true): return Size(upscaling: upscaling, form: .confined(width: w, height: h))
        case let (w?, nil, false): return Size(upscaling: upscaling, form: .width(w))
        case let (nil, h?, false): return Size(upscaling: upscaling, form: .height(h))
        default: throw malformed
        }
    }

    /// §4.3: a number from 0 to 360, mirrored first when it starts with `!`.
    static func parseRotation(_ text: Substring) throws(RouteError) -> Rotation {
        let mirrored = text.first == "!"
        guard let degrees = decimal(mirrored ? text.dropFirst() : text) else {
            throw .badRequest("rotation must be a number from 0 to 360, optionally after !, not \(text.prefix(32))")
        }
        guard degrees <= 360 else { throw .badRequest("rotation \(text.prefix(32)) is more than 360 degrees") }
        return Rotation(mirrored: mirrored, degrees: degrees)
    }

    /// §4.7: decimal digits and at most one `.`, no sign, no exponent; at most 16 characters.
    static func decimal(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.utf8.count <= 16, text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }),
              text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }),
              text.utf8.filter({ $0 == 0x2E }).count <= 1 else { return nil }
        return Double(text)
    }
}
