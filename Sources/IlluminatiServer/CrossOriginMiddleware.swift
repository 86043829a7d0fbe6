import HTTPTypes
import Hummingbird

/// CORS for every route but `/metrics` (operations data, read by Prometheus, never by a page):
/// answers carry the policy's `Access-Control-Allow-Origin` (errors too: it sits outside
/// `ErrorMiddleware`), and `OPTIONS` on any path is answered here with 204, the allowed
/// methods and, for a preflight, the headers it asked for.
///
/// The queue dashboard's POST actions are same-origin only: a preflight never allows POST (so
/// a page of another origin cannot send one with `Authorization`), and a POST's answer carries
/// no `Access-Control-Allow-Origin` (so such a page cannot read one either). The admin token is
/// a header the dashboard's own page adds, never a cookie a browser would attach by itself.
struct CrossOriginMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let policy: CrossOriginPolicy

    static let allowedMethods = "GET, HEAD, OPTIONS"
    /// Not safelisted for pages, yet what a viewer needs: revalidation and sizes; the id of a
    /// failed request is what its operator asks for.
    static let exposedHeaders = "ETag, Content-Length, X-Request-Id"
    /// Browsers cap it lower (Chromium at 2 h); the answer never changes while the server runs.
    static let maxAgeSeconds = "86400"
    static let excludedPaths: Set<String> = ["/metrics"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard !Self.excludedPaths.contains(path) else { return try await next(request, context) }
        let allowed = policy.allowedOrigin(for: request.headers[.origin])
        if request.method == .options { return preflight(request, allowed: allowed) }
        var response = try await next(request, context)
        guard request.method != .post else { return response }
        if let allowed {
            response.headers[.accessControlAllowOrigin] = allowed
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        if policy.variesByOrigin { response.headers[.vary] = response.headers[.vary].map { $0 + ", Origin" } ?? "Origin" }
        return response
    }

    private func preflight(_ request: Request, allowed: String?) -> Response {
        var headers = HTTPFields()
        headers[.allow] = Self.allowedMethods
        if let allowed {
            headers[.accessControlAllowOrigin] = allowed
            headers[.accessControlAllowMethods] = Self.allowedMethods
            if let asked = request.headers[.accessControlRequestHeaders], let names = Self.headerNames(asked) {
                headers[.accessControlAllowHeaders] = names
            }
            headers[.accessControlMaxAge] = Self.maxAgeSeconds
        }
        var varies = ["Access-Control-Request-Headers"]
        if policy.variesByOrigin { varies.insert("Origin", at: 0) }
        headers[.vary] = varies.joined(separator: ", ")
        return Response(status: .noContent, headers: headers, body: .init())
    }

    /// The header names a preflight asks for, echoed back when they are a plain list of
    /// field names (RFC 9110 tokens) of reasonable length; nil otherwise, and the browser
    /// then refuses the request it had in mind.
    static func headerNames(_ asked: String) -> String? {
        guard asked.utf8.count <= 1024 else { return nil }
        let names = HTTPList.members(asked)
        guard !names.isEmpty, names.count <= 32, names.allSatisfy({ $0.utf8.allSatisfy(isTokenCharacter) }) else { return nil }
        return names.joined(separator: ", ")
    }

    private static func isTokenCharacter(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
            || "!#$%&'*+-.^_`|~".utf8.contains(c)
    }
}
