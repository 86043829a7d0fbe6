import Foundation
import IlluminatiPyramid

/// A layer's IIIF Image API 3.0 image information (`info.json`, §5): what `IIIFTile` serves.
struct IIIFInfo: Encodable, Sendable {
    struct Tiles: Encodable, Sendable { var width: Int; var height: Int; var scaleFactors: [Int] }
    struct Size: Encodable, Sendable { var width: Int; var height: Int }

    var context = "http://iiif.io/api/image/3/context.json"
    var id: String
    var type = "ImageService3"
    var `protocol` = "http://iiif.io/api/image"
    var profile = "level0"
    var width: Int
    var height: Int
    var maxWidth: Int
    var maxHeight: Int
    var tiles: [Tiles]
    var sizes: [Size]
    var extraQualities = ["gray"]
    var extraFeatures = ["baseUriRedirect", "jsonldMediaType"]

    enum CodingKeys: String, CodingKey {
        case context = "@context", id, type, `protocol`, profile, width, height, maxWidth, maxHeight, tiles, sizes,
             extraQualities, extraFeatures
    }

    init(id: String, geometry: LayerDescriptor.Geometry) {
        self.id = id
        width = geometry.width
        height = geometry.height
        maxWidth = IIIFTile.sizeLimit(geometry)
        maxHeight = maxWidth
        tiles = [Tiles(width: geometry.tileSize, height: geometry.tileSize, scaleFactors: (0...geometry.maxLevel).map { 1 << $0 })]
        sizes = IIIFTile.sizes(geometry).map { Size(width: $0.width, height: $0.height) }
    }

    static let jsonLD = "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\""
    static let json = "application/json"

    /// §5.1: JSON-LD unless the `Accept` header prefers plain JSON (content negotiation, RFC
    /// 9110 §12.5.1: the most specific media range that matches gives a type its weight).
    static func mediaType(accept: String?) -> String {
        guard let accept, !accept.isEmpty else { return jsonLD }
        let ranges = accept.split(separator: ",").map(MediaRange.init)
        func weight(_ subtype: String) -> Double {
            let matching = ranges.filter { ($0.type == "application" || $0.type == "*") && ($0.subtype == subtype || $0.subtype == "*") }
            return matching.max { $0.specificity < $1.specificity }?.weight ?? 0
        }
        return weight("json") > max(0, weight("ld+json")) ? json : jsonLD
    }

    /// One element of an `Accept` header, `type/subtype;param=value;q=weight`.
    struct MediaRange {
        var type: Substring
        var subtype: Substring
        var weight: Double

        init(_ text: Substring) {
            let fields = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let name = (fields.first ?? "").split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            type = name.first ?? ""
            subtype = name.count == 2 ? name[1] : ""
            weight = 1
            for field in fields.dropFirst() where field.hasPrefix("q=") {
                weight = Double(field.dropFirst(2)).map { min(max($0, 0), 1) } ?? 1
            }
        }

        /// `*/*` 0, `type/*` 1, `type/subtype` 2.
        var specificity: Int { type == "*" ? 0 : subtype == "*" ? 1 : 2 }
    }
}
