/// The secret of the queue dashboard's POST routes (`--admin-token`, `ILLUMINATI_ADMIN_TOKEN`):
/// at least 16 characters of a bearer token's alphabet (RFC 6750 `b64token`), so that it fits an
/// `Authorization: Bearer` header as it is. Its description never shows it.
public struct AdminToken: Sendable, CustomStringConvertible {
    static let minimumLength = 16

    let value: [UInt8]

    public init(_ text: String) throws {
        guard text.utf8.count >= Self.minimumLength, text.utf8.count <= 4096, Self.isBearerToken(text[...]) else {
            throw ServerError(message: "an admin token is \(Self.minimumLength) to 4096 characters of letters, digits and -._~+/ "
                              + "(then = padding), e.g. from `openssl rand -hex 32`")
        }
        value = Array(text.utf8)
    }

    public var description: String { "AdminToken(redacted)" }

    /// RFC 6750 §2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
    static func isBearerToken(_ text: Substring) -> Bool {
        let body = text.utf8.prefix { $0 != UInt8(ascii: "=") }
        guard !body.isEmpty, text.utf8.dropFirst(body.count).allSatisfy({ $0 == UInt8(ascii: "=") }) else { return false }
        return body.allSatisfy { c in
            (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || "-._~+/".utf8.contains(c)
        }
    }

    /// Compares every byte whatever the first difference, so the answer's timing does not
    /// tell how much of a guess was right (only, at most, the longer of the two lengths).
    func matches(_ candidate: Substring) -> Bool {
        let guess = Array(candidate.utf8)
        var difference: UInt8 = guess.count == value.count ? 0 : 1
        for i in 0..<max(guess.count, value.count) {
            difference |= (i < guess.count ? guess[i] : 0) ^ (i < value.count ? value[i] : 0)
        }
        return difference == 0
    }
}
