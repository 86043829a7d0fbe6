import Foundation
import IlluminatiTestSupport
import Testing

/// Python's static file server serving a folder on a free loopback port: a web site of its own,
/// an origin other than the tile server's. It logs each request (to stderr) before it answers.
struct StaticFileServer {
    let port: Int
    private let process: Executables.Running

    /// Port 0: the server takes a free port and says which (unbuffered, -u) before it serves.
    static func start(serving folder: String) throws -> StaticFileServer {
        let process = try Executables.startTool("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                                                            "--directory", folder])
        do {
            let serving = try #require(process.waitForLine(containing: "Serving HTTP on", timeout: .seconds(30)),
                                       "the file server did not start: \(process.stderrSoFar)")
            let words = serving.split(separator: " ")
            let port = try #require(words.firstIndex(of: "port").flatMap { Int(words[$0 + 1]) }, "\(serving)")
            let server = StaticFileServer(port: port, process: process)
            try #require(waitUntil(.seconds(30)) {
                (try? RawHTTP.request(port: port, method: "HEAD", target: "/", headers: [:]))?.status != nil
            }, "the file server answers")
            return server
        } catch {
            StaticFileServer(port: 0, process: process).stop()
            throw error
        }
    }

    /// The requests it has answered, one line each (`"GET /path HTTP/1.1" 200`).
    var requestLog: String { process.stderrSoFar }

    /// SIGKILL, not SIGTERM: a child inherits ignored signals, and in-process services of
    /// other suites set SIGTERM to SIG_IGN in this test process (to catch it with a dispatch
    /// source), so Python would live on. A static file server has nothing to save.
    func stop() { process.stop() }
}
