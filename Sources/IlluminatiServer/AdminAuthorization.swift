import HTTPTypes
import Hummingbird

/// Who may use the queue dashboard's POST routes: a request whose `Authorization: Bearer`
/// names the server's admin token. Without a token configured the server is read-only and
/// every such request is refused (403) whatever it carries; otherwise missing or malformed
/// credentials are a 401 (with the `WWW-Authenticate` challenge), a wrong token a 403.
struct AdminAuthorization: Sendable {
    let token: AdminToken?

    var enabled: Bool { token != nil }

    func check(_ request: Request) throws {
        guard let token else {
            throw RouteError(status: .forbidden, message: "this server is read-only: start it with --admin-token to use the queue's actions")
        }
        guard let presented = Self.bearer(request.headers[.authorization]) else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer realm=\"illuminati\""
            throw RouteError(status: .unauthorized, message: "send the admin token as `Authorization: Bearer <token>`",
                             headers: headers)
        }
        guard token.matches(presented) else {
            throw RouteError(status: .forbidden, message: "wrong admin token")
        }
    }

    /// The credentials of `Bearer <token>` (the scheme in any case, one space), or nil.
    static func bearer(_ header: String?) -> Substring? {
        guard let header, header.utf8.count <= 4200, header.count > 7,
              header.prefix(7).lowercased() == "bearer " else { return nil }
        let credentials = header.dropFirst(7)
        return AdminToken.isBearerToken(credentials) ? credentials : nil
    }
}
