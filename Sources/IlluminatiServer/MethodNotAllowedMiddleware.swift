import HTTPTypes
import Hummingbird

/// A path the server routes, asked with a method it does not answer, is a 405 with the methods
/// it does answer in `Allow` (RFC 9110 §15.5.6); a path it does not route stays a 404.
///
/// Added to the router after every route, it runs only where routing found no endpoint:
/// Hummingbird wraps each endpoint in the middleware added before it, and the not-found answer
/// in all of them.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let allowed = routes.methods(for: request.uri.path)
        guard !allowed.isEmpty, !allowed.contains(request.method) else { return try await next(request, context) }
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        var headers = HTTPFields()
        headers[.allow] = list
        throw RouteError(status: .methodNotAllowed, message: "\(request.method) is not allowed here; this path answers \(list)",
                         headers: headers)
    }
}

/// The methods each routed path answers, matched segment by segment as Hummingbird's router
/// matches them.
struct RouteMethods: Sendable {
    private let routes: [(path: RouterPath, methods: [HTTPRequest.Method])]

    /// `extra` names, for a path and the methods of its routes, the methods answered there by
    /// something other than a route: HEAD, which the router generates for a GET when it is
    /// built, and OPTIONS, which the CORS layer answers.
    init(_ descriptions: [Router<BasicRequestContext>.RouteDescription], extra: (RouterPath, [HTTPRequest.Method]) -> [HTTPRequest.Method]) {
        var byPath: [String: (RouterPath, [HTTPRequest.Method])] = [:]
        for route in descriptions {
            byPath[route.path.description, default: (route.path, [])].1.append(route.method)
        }
        routes = byPath.values.map { path, methods in (path, methods + extra(path, methods)) }
    }

    /// In the order of RFC 9110's method table; empty when no route has the path.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let found = Set(routes.filter { Self.matches($0.path, segments) }.flatMap(\.methods).map(\.rawValue))
        return Self.order.filter { found.contains($0.rawValue) }
    }

    private static let order: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .connect, .options, .trace, .patch]

    static func matches(_ path: RouterPath, _ segments: [Substring]) -> Bool {
        let components = path.components
        for (index, component) in components.enumerated() {
            if component == .recursiveWildcard { return index == components.count - 1 && segments.count > index }
            guard index < segments.count, component ~= segments[index] else { return false }
        }
        return segments.count == components.count
    }
}
