import ArgumentParser
import Foundation
import IlluminatiServer

/// Where `serve` (and the demo, once its build is done) listens, and how it answers pages of
/// other origins and clients behind a proxy.
struct ServeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Address to listen on (0.0.0.0: every interface).", valueName: "address"))
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on (0: any free port).", valueName: "port"))
    var port: Int = 8080

    @Option(name: .customLong("cors-origin"),
            help: ArgumentHelp("Origin whose pages may read tiles and JSON (repeatable): * (default) for any, "
                               + "an origin such as https://viewer.example.org, or none for no CORS headers.",
                               valueName: "origin"))
    var corsOrigins: [String] = []

    @Option(name: .customLong("public-url"),
            help: ArgumentHelp("Where clients reach the server (http(s)://host[:port][/path]); absolute URLs in "
                               + "info.json and tiles.json start with it instead of Host / X-Forwarded-* / Forwarded.",
                               valueName: "url"))
    var publicURL: String?

    @Option(name: .customLong("admin-token"),
            help: ArgumentHelp("Token (16+ characters, e.g. `openssl rand -hex 32`) that the queue dashboard's actions "
                               + "(retry, cancel, pause, resume) must send as `Authorization: Bearer`; default: "
                               + "ILLUMINATI_ADMIN_TOKEN, else none and the dashboard is read-only.",
                               valueName: "token"))
    var adminToken: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        do {
            _ = try crossOrigin()
            _ = try publicURL.map(PublicURL.init)
            _ = try administration()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func crossOrigin() throws -> CrossOriginPolicy { try CrossOriginPolicy(arguments: corsOrigins) }

    /// `--admin-token`, else a non-empty `ILLUMINATI_ADMIN_TOKEN` (which, unlike an argument,
    /// other users of the machine cannot read in the process list).
    func administration() throws -> AdminToken? {
        let environment = ProcessInfo.processInfo.environment["ILLUMINATI_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return try (adminToken ?? environment).map(AdminToken.init)
    }
}
