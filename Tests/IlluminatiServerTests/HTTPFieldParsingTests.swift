@testable import IlluminatiServer
import Testing

/// How the server reads the request headers it acts on.
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
}
