/// Where clients reach the server when that is not what they send it (`--public-url`): behind a
/// proxy that neither keeps `Host` nor sends `Forwarded`/`X-Forwarded-*`, or under a path
/// prefix the proxy strips (`https://example.org/tiles`). Every absolute URL the server writes
/// (IIIF `id`, TileJSON `tiles`) starts with it.
public struct PublicURL: Sendable, Equatable {
    /// `scheme://host[:port][/path]`, without a trailing slash.
    public let base: String

    /// `http(s)://host[:port][/path]`; no user info, query or fragment, and the path only of
    /// letters, digits and `-._~/`, so the URL goes into a document as it is.
    public init(_ text: String) throws {
        let invalid = ServerError(message: "--public-url must be http(s)://host[:port][/path] (path of letters, digits "
                                     + "and -._~/; no query), not \(text.prefix(100))")
        guard let schemeEnd = text.range(of: "://") else { throw invalid }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw invalid }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        var path = rest.dropFirst(authority.count)
        guard HostName.isValid(authority), path.utf8.allSatisfy(Self.isPathCharacter) else { throw invalid }
        while path.last == "/" { path = path.dropLast() }
        base = scheme + "://" + authority.lowercased() + path
    }

    private static func isPathCharacter(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || "-._~/".utf8.contains(c)
    }
}
