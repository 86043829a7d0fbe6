import Foundation
import Hummingbird

/// The web viewer's static files, embedded in the binary at build time (`EmbedFiles` plugin):
/// `/` is `index.html`, `/queue` the queue dashboard's `queue.html`, everything else lives under `/viewer/`. Only embedded names can be
/// served, so no request reaches the file system.
struct ViewerFiles: Sendable {
    struct File: Sendable {
        var bytes: [UInt8]
        var contentType: String
        var etag: String
    }

    let files: [String: File]

    init() {
        var files: [String: File] = [:]
        for (name, base64) in EmbeddedFiles.base64 {
            guard let data = Data(base64Encoded: base64) else { continue }
            let bytes = [UInt8](data)
            files[name] = File(bytes: bytes, contentType: Self.contentType(name), etag: Responses.etag(of: bytes))
        }
        self.files = files
    }

    func add(to router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in response("index.html", request) }
        router.get("/queue") { request, _ in response("queue.html", request) }
        router.get("/viewer/**") { request, context in
            response(context.parameters.getCatchAll().joined(separator: "/"), request)
        }
    }

    private func response(_ name: String, _ request: Request) -> Response {
        guard let file = files[name] else { return Responses.error(.notFound, "no viewer file \(name.prefix(64))", request: request) }
        return Responses.bytes(file.bytes, contentType: file.contentType, etag: file.etag, request: request,
                               cacheControl: "no-cache")
    }

    static func contentType(_ name: String) -> String {
        switch name.split(separator: ".").last.map(String.init) ?? "" {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "png": "image/png"
        case "svg": "image/svg+xml"
        case "json": "application/json"
        default: "text/plain; charset=utf-8"
        }
    }
}
