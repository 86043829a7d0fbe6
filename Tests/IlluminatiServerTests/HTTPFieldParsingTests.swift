@testable import IlluminatiServer
import Testing

/// How the server reads the request headers it acts on: `If-None-Match`, hosts from `Host` and
/// a proxy's headers, `--cors-origin` and `--public-url`, a preflight's header list.
@Suite struct HTTPFieldParsingTests {
    /// RFC 9110 §13.1.2: If-None-Match compares weakly; §8.8.3: `W/` is case-sensitive.
    @Test func ifNoneMatchUsesWeakComparison() {
        let hits = ["\"abc\"", "W/\"abc\"", " \"abc\" ", "\"xyz\", W/\"abc\"", "W/\"xyz\",\"abc\"", "*", " * ",
                    ",, \"abc\" ,", "\"x,y\", \"abc\""]
        let misses = ["", "abc", "\"abc", "abc\"", "\"ABC\"", "W/\"abcd\"", "w/\"abc\"", "W/ \"abc\"", "\"a,abc\"",
                      "\"xyz\"", "W/\"\"", "\"ab\"c\"", "*, \"xyz\"", "\"abc\" extra"]
        for header in hits { #expect(EntityTags.noneMatchHits(header, etag: "\"abc\""), "\(header)") }
        for header in misses { #expect(!EntityTags.noneMatchHits(header, etag: "\"abc\""), "\(header)") }
        // A weak tag of the server's own matches its strong form too.
        #expect(EntityTags.noneMatchHits("\"abc\"", etag: "W/\"abc\""))
        #expect(EntityTags.noneMatchHits("W/\"abc\"", etag: "W/\"abc\""))
    }

    @Test func listMembersKeepQuotedCommas() {
        #expect(HTTPList.members(" a , \"b,c\";q=1 ,, d\t") == ["a", "\"b,c\";q=1", "d"])
        #expect(HTTPList.members("") == [])
        #expect(HTTPList.members(" , ") == [])
    }

    @Test func hostNamesArePlainHostsAndPorts() {
        for host in ["example.org", "Example.ORG:8080", "127.0.0.1:80", "[::1]:8080", "[2001:db8::1]", "tiles_1.local",
                     "localhost:65535", "a"] {
            #expect(HostName.isValid(host[...]), "\(host)")
        }
        for host in ["", "example.org:", "example.org:0", "example.org:65536", "example.org:123456", "exa mple.org",
                     "a\r\nX-Injected: 1", "evil.example/path", "user@host", "[::1", "[::1]x", "[zz::1]", "[]", "[1.2.3.4]",
                     ".example", "-example", "host:80:90", "host:+80", "\"quoted\"", "host\u{0}", "h\u{e9}te.example",
                     String(repeating: "a", count: 256), "<script>", "a,b"] {
            #expect(!HostName.isValid(host[...]), "\(host)")
        }
    }

    @Test func forwardedHeaderFirstElement() {
        let pairs = RequestOrigin.forwardedPairs("for=192.0.2.60;Proto=HTTPS;host=\"tiles.example.org:8443\", for=10.0.0.1;host=inner")
        #expect(pairs == ["for": "192.0.2.60", "proto": "HTTPS", "host": "tiles.example.org:8443"])
        #expect(RequestOrigin.forwardedPairs("host=\"a\\\"b\";proto=https") == ["proto": "https"])
        #expect(RequestOrigin.forwardedPairs("host=\"unterminated;proto=https") == ["proto": "https"])
        #expect(RequestOrigin.forwardedPairs("host=one;host=two") == ["host": "one"])
        #expect(RequestOrigin.forwardedPairs("") == [:])
        #expect(RequestOrigin.firstMember(" https , http") == "https")
        #expect(RequestOrigin.firstMember(" , ") == nil)
    }

    @Test func corsOriginArguments() throws {
        #expect(try CrossOriginPolicy(arguments: []) == .anyOrigin)
        #expect(try CrossOriginPolicy(arguments: ["*"]) == .anyOrigin)
        #expect(try CrossOriginPolicy(arguments: ["none"]) == .off)
        #expect(try CrossOriginPolicy(arguments: ["https://Viewer.Example.org", "http://localhost:3000"])
                == .origins(["https://viewer.example.org", "http://localhost:3000"]))
        for bad in [["*", "none"], ["*", "https://a.example"], ["none", "https://a.example"], ["https://a.example/"],
                    ["https://a.example/path"], ["ftp://a.example"], ["a.example"], ["null"], ["https://a b"],
                    ["https://a.example\r\nX: 1"], [""]] {
            #expect(throws: ServerError.self, "\(bad)") { try CrossOriginPolicy(arguments: bad) }
        }
        let some = CrossOriginPolicy.origins(["https://viewer.example.org"])
        #expect(some.allowedOrigin(for: "https://viewer.example.org") == "https://viewer.example.org")
        #expect(some.allowedOrigin(for: "https://VIEWER.example.org") == "https://VIEWER.example.org")
        #expect(some.allowedOrigin(for: "https://viewer.example.org:444") == nil)
        #expect(some.allowedOrigin(for: "http://viewer.example.org") == nil)
        #expect(some.allowedOrigin(for: "null") == nil)
        #expect(some.allowedOrigin(for: nil) == nil)
        #expect(CrossOriginPolicy.anyOrigin.allowedOrigin(for: nil) == "*")
        #expect(CrossOriginPolicy.off.allowedOrigin(for: "https://viewer.example.org") == nil)
    }

    @Test func preflightHeaderNamesAreEchoedWhenTheyAreTokens() {
        #expect(CrossOriginMiddleware.headerNames("range, x-requested-with") == "range, x-requested-with")
        #expect(CrossOriginMiddleware.headerNames(" Authorization ,, If-None-Match ") == "Authorization, If-None-Match")
        #expect(CrossOriginMiddleware.headerNames("") == nil)
        #expect(CrossOriginMiddleware.headerNames("x-a\r\nSet-Cookie: y") == nil)
        #expect(CrossOriginMiddleware.headerNames("x-a, (comment)") == nil)
        #expect(CrossOriginMiddleware.headerNames(String(repeating: "x-a,", count: 300)) == nil)
    }

    @Test func publicURLs() throws {
        #expect(try PublicURL("https://Tiles.Example.org").base == "https://tiles.example.org")
        #expect(try PublicURL("HTTP://tiles.example.org:8443/base/path//").base == "http://tiles.example.org:8443/base/path")
        #expect(try PublicURL("http://[::1]:8080/").base == "http://[::1]:8080")
        for bad in ["tiles.example.org", "ftp://tiles.example.org", "https://", "https://user@tiles.example.org",
                    "https://tiles.example.org/a?b=c", "https://tiles.example.org/a#b", "https://tiles.example.org/a b",
                    "https://tiles.example.org/\r\nX: 1", "https://tiles.example.org/%2e%2e", "javascript:alert(1)",
                    "https://tiles.example.org:99999"] {
            #expect(throws: ServerError.self, "\(bad)") { try PublicURL(bad) }
        }
    }
}
