import Foundation
import IlluminatiTestSupport
import Testing

/// schemathesis (`st`, PyPI) against a live server, with the document the server serves: the
/// examples of every operation, then the boundaries of its parameters (and values just
/// outside them), then random input. Any 5xx, and any status, content type, header or body the
/// document does not describe, fails the run; so does input outside the document that is not
/// refused with a 4xx, and a method a path does not have that is not refused with a 405.
@Suite(.tags(.database, .process)) struct OpenAPIConformanceTests {
    @Test func schemathesisFindsNoServerErrorAndNothingTheDocumentDoesNotDescribe() async throws {
        let st = try FieldTools.python("st")
        // The document's examples name what `make demo` serves (experiment 1 or `demo`, layer
        // DAPI_c0): a plate of that shape, one small site, in a database of its own.
        let f = try await ServerFixture.make(named: "demo") { spec in
            spec.wells = .count(1)
            spec.siteRows = 1
            spec.siteColumns = 1
            spec.channels = 1
            spec.cycles = 2
        }
        do {
            try await Self.examplesReachRealData(f)
            let report = BrowserTests.artifacts + "/schemathesis-junit.xml"
            let (status, output) = try await onOwnThread { try Self.run(st, port: f.port, report: report) }
            #expect(status == 0, "st run failed (report: \(report)):\n\(output.suffix(12_000))")
        } catch {
            await f.server.stop()
            throw error
        }
        await f.server.stop()
    }

    /// The document as served, against the OpenAPI 3.1 schema that schemathesis carries (the
    /// official one): schemathesis itself reads a malformed part of it as best it can.
    @Test func theServedDocumentIsValidOpenAPI31() async throws {
        let python = try FieldTools.python("python")
        let f = try await fixture()
        let script = """
            import json, sys, urllib.request
            from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR
            document = json.load(urllib.request.urlopen(sys.argv[1]))
            errors = [str(error) for error in OPENAPI_31_VALIDATOR.iter_errors(document)]
            print("\\n".join(errors) or "valid")
            sys.exit(1 if errors else 0)
            """
        let (status, output) = try await onOwnThread {
            try FieldTools.run(python, ["-c", script, "http://127.0.0.1:\(f.port)/openapi.json"], timeout: .seconds(60))
        }
        #expect(status == 0, "\(output.suffix(4_000))")
    }

    /// The settings (seed, budget, checks) are the checkout's `schemathesis.toml`, which a run by
    /// hand reads too; hypothesis' cache goes to a temporary folder, not into the checkout.
    static func run(_ st: String, port: Int, report: String) throws -> (status: Int32, output: String) {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
        let scratch = TemporaryDirectory.make(prefix: "schemathesis").path
        return try FieldTools.run(st, ["--config-file", package + "/schemathesis.toml", "--no-color",
                                       "run", "http://127.0.0.1:\(port)/openapi.json",
                                       "--report", "junit", "--report-junit-path", report],
                                  timeout: .seconds(180), environment: ["HYPOTHESIS_STORAGE_DIRECTORY": scratch])
    }

    /// Each GET operation's example request, built from the document's examples, answers 200
    /// (or 303, a redirect to what is there): so schemathesis' examples phase reaches real tiles,
    /// metadata and map objects. The fixture's server has no admin token: each action's example
    /// is refused with 403.
    static func examplesReachRealData(_ f: ServerFixture) async throws {
        let document = try ParsedOpenAPIDocument(try await f.get("/openapi.json").body)
        for template in document.paths.keys.sorted() {
            var target = template
            let method = document.paths[template]?["post"] != nil ? "post" : "get"
            let parameters = document.parameters(template, method: method)
            for parameter in parameters where parameter["in"] as? String == "path" {
                let name = try #require(parameter["name"] as? String)
                let examples = try #require(parameter["examples"] as? [String: [String: Any]], "\(template): \(name) has no examples")
                let first = try #require(examples.keys.sorted().first.flatMap { examples[$0]?["value"] })
                target = target.replacingOccurrences(of: "{\(name)}", with: "\(first)")
            }
            let query = parameters.filter { $0["in"] as? String == "query" && $0["required"] as? Bool == true }
            if !query.isEmpty {
                target += "?" + query.map { "\($0["name"]!)=\($0["example"] ?? "")" }.joined(separator: "&")
            }
            let response = try await f.get(target, method: method.uppercased())
            #expect((method == "post" ? [403] : [200, 303]).contains(response.status),
                    "\(method.uppercased()) \(target) (the examples of \(template)): \(response.status) \(response.text.prefix(200))")
        }
    }
}
