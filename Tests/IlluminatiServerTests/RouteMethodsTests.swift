import HTTPTypes
import Hummingbird
@testable import IlluminatiServer
import Testing

/// Which methods a path answers, for the 405's `Allow`: matched segment by segment as the
/// router matches, captures inside a segment and the viewer's `**` included.
@Suite struct RouteMethodsTests {
    @Test func aPathMatchesTheRoutesOfItsShapeOnly() {
        let router = Router()
        router.get("/api/experiments/:experiment") { _, _ in "" }
        router.get("/dzi/:experiment/{layer}.dzi") { _, _ in "" }
        router.get("/viewer/**") { _, _ in "" }
        router.post("/api/queue/builds/:build/pause") { _, _ in "" }
        router.get("/api/queue") { _, _ in "" }
        let routes = RouteMethods(router.routes) { path, methods in
            (methods.contains(.get) ? [.head] : []) + (path.description == "/api/queue" ? [] : [.options])
        }
        let expected: [(String, [HTTPRequest.Method])] = [
            ("/api/experiments/7", [.get, .head, .options]),
            ("//api/experiments/7/", [.get, .head, .options]),
            ("/api/experiments", []),
            ("/api/experiments/7/layers", []),
            ("/dzi/1/DAPI.dzi", [.get, .head, .options]),
            ("/dzi/1/DAPI.xml", []),
            ("/viewer/openseadragon/images/a.png", [.get, .head, .options]),
            ("/viewer", []),
            ("/api/queue/builds/3/pause", [.post, .options]),
            ("/api/queue/builds/3/stop", []),
            ("/api/queue", [.get, .head]),
            ("/", []),
        ]
        for (path, methods) in expected {
            #expect(routes.methods(for: path) == methods, "\(path)")
        }
    }
}
