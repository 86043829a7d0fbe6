import Foundation
import IlluminatiTestSupport
import Testing

/// The IIIF community's image validator (`iiif-validator` from PyPI) against a layer of the
/// fixture served by `illuminati serve`, for Image API 3.0: every test of its list that a
/// level 0 service of gray tiles can pass runs and must pass. The others are skipped for the
/// reasons below (docs/server.md repeats them); a validator with tests this file does not
/// name fails the test, so that a new one is decided on rather than left out.
@Suite(.tags(.database, .process)) struct IIIFValidatorTests {
    /// Level 0's tests and the higher levels' that check what this service does too: error
    /// statuses, identifiers, the base URI redirect, the JSON-LD media type, the gray quality.
    static let passing: Set<String> = [
        "format_jpg", "id_basic", "info_json", "size_nofull",
        "baseurl_redirect", "jsonld", "quality_grey", "id_escaped",
        "format_error_random", "quality_error_random", "region_error_random", "rot_error_random", "size_error_random",
        "id_error_random", "id_error_unescaped", "id_error_escapedslash", "cors",
    ]

    static let colourImage = "compares pixels with the validator's own colour test image (67352ccc-d1b0-11e1-89ae-279075081939)"
    static let beyondLevel0 = "asks for a feature above level 0 that this service does not offer"

    static let skipped: [String: String] = [
        "id_squares": colourImage, "region_pixels": colourImage, "region_percent": colourImage,
        "size_wc": colourImage, "size_ch": colourImage, "size_wh": colourImage, "size_bwh": colourImage,
        "size_percent": colourImage, "size_region": colourImage, "size_up": colourImage,
        "rot_full_basic": colourImage, "rot_region_basic": colourImage, "rot_mirror": colourImage, "rot_mirror_180": colourImage,
        "format_png": beyondLevel0, "format_gif": beyondLevel0, "format_jp2": beyondLevel0, "format_pdf": beyondLevel0,
        "format_tif": beyondLevel0, "format_webp": beyondLevel0, "quality_bitonal": beyondLevel0, "region_square": beyondLevel0,
        "rot_full_non90": beyondLevel0, "rot_region_non90": beyondLevel0,
        "linkheader_canonical": beyondLevel0, "linkheader_profile": beyondLevel0,
        "quality_color": "wants an RGB image; the tiles are gray, which §4.4 allows as the answer to color",
        "size_noup": "wants 400 for !2000,3000, a size §4.2 defines as valid (not larger than the region); 501 here",
    ]

    @Test func everyTestThatDoesNotNeedTheValidatorsImagePasses() async throws {
        let f = try await fixture()
        let names = try await onOwnThread { try Self.validatorTests() }
        #expect(Set(names) == Self.passing.union(Self.skipped.keys), "the validator's tests changed: \(names)")
        #expect(Self.passing.isDisjoint(with: Self.skipped.keys))

        let run = try await onOwnThread { try Self.validate(f, tests: Self.passing.sorted()) }
        #expect(Self.results(run.output) == Dictionary(uniqueKeysWithValues: Self.passing.map { ($0, "PASS") }), "\(run.output)")
        #expect(run.status == 0, "\(run.output)")
    }

    /// The names of the validator's tests for Image API 3.0.
    static func validatorTests() throws -> [String] {
        let listing = try FieldTools.run(try FieldTools.python("python"), ["-c", """
            import json
            from iiif_validator.validator import ValidationInfo, TestSuite
            print(json.dumps(sorted(TestSuite(ValidationInfo()).list_tests('3.0'))))
            """], timeout: .seconds(60))
        guard listing.status == 0, let last = listing.output.split(separator: "\n").last else {
            throw TestSupportError("cannot list the validator's tests: \(listing.output)")
        }
        return try JSONDecoder().decode([String].self, from: Data(last.utf8))
    }

    /// Runs the validator's `tests` against `illuminati serve` on the fixture's storage and
    /// database, a process of its own: the validator gives each request 5 s, and a server in
    /// the test process shares its threads with the blocking work of the other suites.
    static func validate(_ f: ServerFixture, tests: [String]) throws -> (status: Int32, output: String) {
        let validator = try FieldTools.python("iiif-validate.py")
        let server = try Executables.start("illuminati", ["serve", "--database-url", f.conninfo, "--storage", f.storage,
                                                          "--port", "0"])
        // SIGKILL: the child inherits the SIGTERM that other suites' services ignore in this process.
        defer { server.stop() }
        guard let line = server.waitForLine(containing: "viewer: http://127.0.0.1:", timeout: .seconds(60)),
              let port = line.split(separator: ":").last.flatMap({ Int($0.prefix { $0.isNumber }) }) else {
            throw TestSupportError("illuminati serve did not start: \(server.stderrSoFar)")
        }
        return try FieldTools.run(validator, ["--server", "127.0.0.1:\(port)", "--prefix", "iiif/\(f.experimentID)",
                                              "--identifier", f.layers[0], "--version", "3.0"] + tests.flatMap { ["--test", $0] },
                                  timeout: .seconds(240))
    }

    /// `[3] test info_json PASS` → ["info_json": "PASS"].
    static func results(_ output: String) -> [String: String] {
        var found: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count == 4, words[0].hasPrefix("["), words[1] == "test" else { continue }
            found[String(words[2])] = String(words[3])
        }
        return found
    }
}
