/// Which web pages of other origins may read the server's answers (CORS). Tiles and the
/// read-only JSON are public, so by default any page may (`*`): a viewer on another origin
/// (Mirador, an OpenSeadragon page, a Leaflet map) opens `info.json`, the `.dzi` or
/// `tiles.json`, and WebGL drawers may use the tiles. No answer allows credentials.
public enum CrossOriginPolicy: Sendable, Equatable {
    /// `Access-Control-Allow-Origin: *` on every answer.
    case anyOrigin
    /// Only these origins (`scheme://host[:port]`, lower case), each answered with its own name.
    case origins([String])
    /// No `Access-Control-*` headers: browsers keep other origins' pages out.
    case off

    /// From `--cors-origin` values: `*`, `none`, or origins such as `https://viewer.example.org`.
    public init(arguments: [String]) throws {
        if arguments.isEmpty || arguments == ["*"] {
            self = .anyOrigin
        } else if arguments == ["none"] {
            self = .off
        } else if arguments.contains("*") || arguments.contains("none") {
            throw ServerError(message: "--cors-origin * and none stand alone, not with other origins")
        } else {
            self = .origins(try arguments.map { argument in
                guard let origin = Self.origin(argument) else {
                    throw ServerError(message: "--cors-origin takes *, none, or origins such as https://viewer.example.org "
                                      + "(scheme://host[:port], no path), not \(argument.prefix(100))")
                }
                return origin
            })
        }
    }

    /// The value of `Access-Control-Allow-Origin` for a request from `origin` (its `Origin`
    /// header), or nil when that page may not read the answer.
    func allowedOrigin(for origin: String?) -> String? {
        switch self {
        case .anyOrigin: return "*"
        case .off: return nil
        case .origins(let allowed):
            guard let origin, let normalized = Self.origin(origin), allowed.contains(normalized) else { return nil }
            return origin
        }
    }

    /// Whether the answer names the asking origin, so that caches must keep one per origin.
    var variesByOrigin: Bool {
        if case .origins = self { return true }
        return false
    }

    /// An origin as browsers serialize it (RFC 6454 §6.2), lower case; nil for anything else.
    static func origin(_ text: String) -> String? {
        let lower = text.lowercased()
        for scheme in ["http://", "https://"] where lower.hasPrefix(scheme) {
            let authority = lower.dropFirst(scheme.count)
            guard HostName.isValid(authority) else { return nil }
            return lower
        }
        return nil
    }
}
