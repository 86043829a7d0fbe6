import Foundation
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database, .process)) struct ServeCommandTests {
    /// `serve` prints where it listens, answers the API from the database, refuses a port that is
    /// taken with a clear message, and stops on SIGTERM.
    @Test func serveAnnouncesItsURLAnswersAndStopsOnSIGTERM() throws {
        let (database, _) = try TestDatabase.create()
        let storage = TemporaryDirectory.make(prefix: "illuminati-storage")
        defer { storage.remove() }
        let created = try illuminati(["experiment", "create", "served", "--manifest", smallPlate.manifest], database: database)
        #expect(created.status == 0, "\(created.stderr)")

        let server = try Executables.start("illuminati", ["serve", "--database-url", database, "--storage", storage.path,
                                                          "--port", "0", "--cors-origin", "https://viewer.example.org",
                                                          "--cors-origin", "http://localhost:3000",
                                                          "--public-url", "https://tiles.example.org/base"])
        defer { server.stop() }
        let line = try #require(server.waitForLine(containing: "viewer: http://127.0.0.1:", timeout: .seconds(60)),
                                "no viewer line: \(server.stdoutSoFar)")
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) })
        #expect(line.contains("1 experiment(s)"), "\(line)")

        let list = try #require(httpGet(port: port, path: "/api/experiments"))
        #expect(list.contains("\"name\":\"served\""), "\(list.prefix(300))")
        let missing = try #require(httpGet(port: port, path: "/api/experiments/nope"))
        #expect(missing.contains("\"status\":404"), "\(missing)")
        for (origin, allowed) in [("https://viewer.example.org", true), ("http://localhost:3000", true), ("https://other.example", false)] {
            let answer = try RawHTTP.request(port: port, method: "GET", target: "/api/experiments", headers: ["Origin": origin])
            #expect(answer.headers["access-control-allow-origin"] == (allowed ? origin : nil), "\(origin)")
        }
        let viewer = try #require(httpGet(port: port, path: "/"))
        #expect(viewer.contains("openseadragon.js"))

        let second = try Executables.run("illuminati", ["serve", "--database-url", database, "--storage", storage.path,
                                                         "--port", "\(port)"])
        #expect(second.status == 1 && second.stderr.contains("cannot listen on 127.0.0.1:\(port)"), "\(second.stderr)")
        #expect(noStackTrace(second))

        server.send(SIGTERM)
        let outcome = try #require(server.finish(timeout: .seconds(30)), "serve must stop on SIGTERM")
        #expect(outcome.status == 128 + SIGTERM, "\(outcome.stderr)")
    }

    /// `--cors-origin` and `--public-url` are checked before anything starts, as ArgumentParser
    /// checks `--port`: a usage error (64) that names the option.
    @Test func corsOriginAndPublicURLAreValidated() throws {
        for arguments in [["--cors-origin", "*", "--cors-origin", "none"], ["--cors-origin", "https://viewer.example.org/path"],
                          ["--cors-origin", "viewer.example.org"], ["--public-url", "tiles.example.org"],
                          ["--public-url", "https://tiles.example.org/?q=1"], ["--public-url", "javascript:alert(1)"]] {
            let outcome = try Executables.run("illuminati", ["serve", "--port", "0"] + arguments)
            #expect(outcome.status == 64, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains(arguments[arguments.count - 2]), "\(arguments): \(outcome.stderr)")
            #expect(noStackTrace(outcome))
        }
    }
}
