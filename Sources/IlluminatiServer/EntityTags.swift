/// `If-None-Match` (RFC 9110 §13.1.2): `*`, or a list of entity tags compared weakly — `W/"x"`
/// and `"x"` name the same representation, since a cache or a proxy that re-encodes (gzip)
/// may weaken a tag, and a client then sends the weak form back. A member that is not an
/// entity tag matches nothing; a comma inside quotes belongs to the tag.
enum EntityTags {
    static func noneMatchHits(_ header: String, etag: String) -> Bool {
        if header.trimmingSpaces == "*" { return true }
        guard let ours = opaqueTag(etag[...]) else { return false }
        return HTTPList.members(header).contains { opaqueTag($0) == ours }
    }

    /// The quoted part of `"x"` or `W/"x"`, quotes included; nil when `text` is neither.
    static func opaqueTag(_ text: Substring) -> Substring? {
        var tag = text.trimmingSpaces
        if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
        guard tag.count >= 2, tag.first == "\"", tag.last == "\"",
              tag.dropFirst().dropLast().utf8.allSatisfy({ $0 == 0x21 || (0x23...0x7E).contains($0) || $0 >= 0x80 })
        else { return nil }
        return tag
    }
}
