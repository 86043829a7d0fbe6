/// `host[:port]` as the server accepts it from a request (`Host`, `X-Forwarded-Host`,
/// `Forwarded: host=`) before writing it into a document: a name of letters, digits, `.`, `-`
/// and `_`, or a bracketed IPv6 address, and a port of 1…65535. Anything else (spaces, CR/LF,
/// quotes, `/`, `@`, user info) is refused, so a hostile header cannot break a URL or a
/// document built from it.
enum HostName {
    static func isValid(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 255 else { return false }
        var host = text, port: Substring?
        if host.first == "[" {
            guard let close = host.firstIndex(of: "]") else { return false }
            let address = host[host.index(after: host.startIndex)..<close]
            guard address.contains(":"), address.utf8.allSatisfy({ isHexDigit($0) || $0 == 0x3A || $0 == 0x2E }) else {
                return false
            }
            let rest = host[host.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { return false }
                port = rest.dropFirst()
            }
            host = host[...close]
        } else {
            if let colon = host.firstIndex(of: ":") {
                port = host[host.index(after: colon)...]
                host = host[..<colon]
            }
            guard !host.isEmpty, host.first != ".", host.first != "-",
                  host.utf8.allSatisfy({ isDigit($0) || isLetter($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }) else {
                return false
            }
        }
        if let port {
            guard (1...5).contains(port.count), port.utf8.allSatisfy(isDigit),
                  let number = Int(port), (1...65535).contains(number) else { return false }
        }
        return true
    }

    private static func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }
    private static func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c) }
    private static func isLetter(_ c: UInt8) -> Bool { (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
}
