import HTTPTypes
import Hummingbird

/// The start of every absolute URL the server writes into a document (IIIF `id`, TileJSON
/// `tiles`): `--public-url` when given, else `scheme://host` as the client saw it — through a
/// proxy, from `Forwarded` (RFC 7239) or else `X-Forwarded-Proto` / `X-Forwarded-Host`, each
/// field on its own, the first (client-side) entry of a list, as Express reads them; without
/// one, `http` and the `Host` header. A forwarded value that is not a plain
/// `http`/`https` or `host[:port]` (`HostName`) is ignored, so a hostile header cannot
/// break the document; the server trusts these headers from anyone, so a deployment that
/// must not (no proxy in front that sets them) gives `--public-url`.
struct RequestOrigin: Sendable {
    let publicURL: PublicURL?

    static let forwarded = HTTPField.Name("Forwarded")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!

    /// 400 when no valid host is known: RFC 9112 §3.2 asks for it, and a relative URL
    /// would make an invalid document (TileJSON's must be absolute).
    func base(of request: Request) throws -> String {
        if let publicURL { return publicURL.base }
        let forwarded = request.headers[Self.forwarded].map(Self.forwardedPairs) ?? [:]
        let proto = [forwarded["proto"], request.headers[Self.forwardedProto].flatMap(Self.firstMember)]
            .compactMap { $0?.lowercased() }.first { $0 == "http" || $0 == "https" } ?? "http"
        let hosts = [forwarded["host"], request.headers[Self.forwardedHost].flatMap(Self.firstMember), request.head.authority]
        guard let host = hosts.compactMap({ $0 }).first(where: { HostName.isValid($0[...]) }) else {
            throw RouteError.badRequest("the request names no valid host (Host, X-Forwarded-Host or Forwarded: host=); "
                                        + "an absolute URL cannot be built")
        }
        return proto + "://" + host.lowercased()
    }

    static func firstMember(_ header: String) -> String? {
        HTTPList.members(header).first.map(String.init)
    }

    /// The parameters of the first element of a `Forwarded` header, names in lower case,
    /// quoted values unquoted; a value with a backslash escape is dropped (no host needs one).
    static func forwardedPairs(_ header: String) -> [String: String] {
        guard let element = HTTPList.members(header).first else { return [:] }
        var pairs: [String: String] = [:]
        for pair in element.split(separator: ";") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = pair[..<equals].trimmingSpaces.lowercased()
            var value = pair[pair.index(after: equals)...].trimmingSpaces
            if value.first == "\"" {
                guard value.count >= 2, value.last == "\"" else { continue }
                value = value.dropFirst().dropLast()
            }
            guard !value.contains("\\"), !value.contains("\""), pairs[name] == nil else { continue }
            pairs[name] = String(value)
        }
        return pairs
    }
}
