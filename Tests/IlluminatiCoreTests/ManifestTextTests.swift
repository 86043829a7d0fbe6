@testable import IlluminatiCore
import Testing

/// Exact vectors for the pure pieces of manifest reading (issue 13 items 5 and 7).
@Suite struct ManifestTextTests {
    @Test func utf8IsDecodedAndAnythingElseNamesTheLine() throws {
        #expect(try ManifestText.decode(Array("path\nä.tif\n".utf8)).get() == "path\nä.tif\n")
        #expect(try ManifestText.decode([0xEF, 0xBB, 0xBF] + Array("a".utf8)).get() == "\u{FEFF}a")
        func problem(_ bytes: [UInt8]) -> String? {
            if case .failure(let problem) = ManifestText.decode(bytes) { return problem.description }
            return nil
        }
        let latin1 = Array("path,plate\na.tif,p\nb.tif,caf".utf8) + [0xE9] + Array("\n".utf8)
        #expect(problem(latin1)
                == "not UTF-8 (line 3): byte 0xE9 is not valid UTF-8; save the manifest as UTF-8 (was it written as Latin-1 or Windows-1252?)")
        #expect(ManifestText.firstInvalidByte(latin1) == latin1.count - 2)
        #expect(ManifestText.firstInvalidByte([0x61, 0xC3]) == 1)           // cut multi-byte sequence
        #expect(ManifestText.firstInvalidByte([0x61, 0xED, 0xA0, 0x80]) == 1)  // UTF-16 surrogate
        #expect(ManifestText.firstInvalidByte([0xFF]) == 0)
    }

    @Test func wholeNumbersAndTheirRanges() {
        func check(_ text: String, _ range: ClosedRange<Int> = 0...9_999) -> String {
            switch ManifestNumber.whole(text, in: range) {
            case .success(let value): "\(value)"
            case .failure(let problem): problem.description
            }
        }
        #expect(check("12") == "12")
        #expect(check("+12") == "12")
        #expect(check("12.0") == "12")
        #expect(check("1.2e3") == "1200")
        #expect(check("9999") == "9999")
        #expect(check("10000") == "must be between 0 and 9999, not 10000")
        #expect(check("-1") == "must not be negative (-1)")
        #expect(check("-1", -5...5) == "-1")
        #expect(check("-6", -5...5) == "must be between -5 and 5, not -6")
        #expect(check("1.5") == "must be a whole number, not \"1.5\"")
        #expect(check("x") == "must be a whole number, not \"x\"")
        #expect(check("nan") == "must be a whole number, not \"nan\"")
        #expect(check("1e400") == "must be a whole number, not \"1e400\"")
        #expect(check("9223372036854775808") == "must be between 0 and 9999, not 9223372036854775808")
        #expect(check("-1e300", ManifestLimits.shift) == "must be between -2147483647 and 2147483647, not -1e300")
    }

    @Test func locationsReadAsAnEditorShowsThem() {
        #expect(ManifestLocation(line: 4).description == "line 4")
        #expect(ManifestLocation(line: 1, record: 3).description == "record 3 (line 1)")
        #expect(ManifestLocation(line: 1, record: 2) < ManifestLocation(line: 1, record: 10))
        #expect(ManifestLocation(line: 1, record: 10) < ManifestLocation(line: 2, record: 3))
        #expect(ExperimentBuilder.mostCommon([3, 1, 1, 3, 2]) == 3)
        #expect(ExperimentBuilder.mostCommon([2, 1, 1]) == 1)
        #expect(ExperimentBuilder.mostCommon([Int]()) == nil)
    }
}
