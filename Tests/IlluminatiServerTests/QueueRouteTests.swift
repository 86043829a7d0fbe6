import Foundation
import IlluminatiServer
import IlluminatiTestSupport
import Testing

/// `/api/queue` and the queue's POST actions: read-only without an admin token; with one, an
/// action needs `Authorization: Bearer <token>` (401 without or malformed, 403 wrong) and then
/// changes the queue as `illuminati retry|pause|resume|cancel` do.
@Suite(.tags(.database)) struct QueueRouteTests {
    static let token = "0123456789abcdef0123456789abcdef"

    func post(_ server: RunningServer, _ path: String, authorization: String? = nil) async throws -> HTTPResult {
        try await ServerFixture.get(path, port: server.port, method: "POST",
                                    headers: authorization.map { ["Authorization": $0] } ?? [:])
    }

    func withAdminServer<T>(_ database: DeadLetterDatabase, token: String? = Self.token,
                            _ body: (RunningServer) async throws -> T) async throws -> T {
        try await fixture().withServer({ configuration in
            configuration.conninfo = database.conninfo
            configuration.adminToken = try token.map(AdminToken.init)
        }, body)
    }

    @Test func theQueueShowsTheDeadLetterWithItsErrorAndFile() async throws {
        let database = try DeadLetterDatabase.make(try await fixture())
        try await withAdminServer(database, token: nil) { server in
            let answer = try await ServerFixture.get("/api/queue", port: server.port)
            #expect(answer.status == 200)
            let data = try #require(try answer.json()["data"] as? [String: Any])
            #expect(data["admin"] as? Bool == false)
            let build = try #require((data["builds"] as? [[String: Any]])?.first)
            #expect(build["id"] as? Int == Int(database.build) && build["state"] as? String == "running")
            let failed = try #require((build["failed"] as? [[String: Any]])?.first)
            #expect(failed["id"] as? Int == Int(database.job) && failed["last_error"] as? String == DeadLetterDatabase.error)
            #expect(failed["file"] as? String == "/images/plate1/A01_s0_GFP.tif")
            let stages = try #require(build["stages"] as? [[String: Any]])
            #expect(stages.map { $0["failed"] as? Int } == [1, 0])
            let workers = try #require(data["workers"] as? [[String: Any]])
            #expect(workers.first?["host"] as? String == "queue-host" && workers.first?["kinds"] as? [String] == ["pyramid"])
        }
    }

    @Test func withoutATokenConfiguredEveryActionIsForbidden() async throws {
        let database = try DeadLetterDatabase.make(try await fixture())
        try await withAdminServer(database, token: nil) { server in
            for authorization in [nil, "Bearer \(Self.token)"] {
                let refused = try await post(server, "/api/queue/jobs/\(database.job)/retry", authorization: authorization)
                #expect(refused.status == 403, "\(refused.text)")
            }
            #expect(try database.jobState() == "failed")
        }
    }

    @Test func anActionNeedsTheRightBearerToken() async throws {
        let database = try DeadLetterDatabase.make(try await fixture())
        try await withAdminServer(database) { server in
            let path = "/api/queue/jobs/\(database.job)/retry"
            let missing = try await post(server, path)
            #expect(missing.status == 401 && missing.headers["www-authenticate"] == "Bearer realm=\"illuminati\"", "\(missing)")
            for malformed in ["Basic \(Self.token)", "Bearer", "Bearer ", "Bearer a b", "Bearer \(Self.token) x", Self.token] {
                #expect(try await post(server, path, authorization: malformed).status == 401, "\(malformed)")
            }
            for wrong in ["Bearer \(Self.token.dropLast())", "Bearer \(Self.token)0", "Bearer \(Self.token.uppercased())"] {
                #expect(try await post(server, path, authorization: wrong).status == 403, "\(wrong)")
            }
            #expect(try database.jobState() == "failed", "no refused request changed anything")

            let retried = try await post(server, path, authorization: "bearer \(Self.token)")
            #expect(retried.status == 200, "\(retried.text)")
            #expect(retried.headers["access-control-allow-origin"] == nil, "an action's answer is for the same origin only")
            let outcome = try #require(try retried.json()["data"] as? [String: Any])
            #expect(outcome["action"] as? String == "retry" && outcome["job_ids"] as? [Int] == [Int(database.job)])
            #expect(try database.jobState() == "available")
        }
    }

    @Test func pauseResumeAndCancelChangeTheBuild() async throws {
        let database = try DeadLetterDatabase.make(try await fixture())
        try await withAdminServer(database) { server in
            let bearer = "Bearer \(Self.token)"
            let base = "/api/queue/builds/\(database.build)"
            #expect(try await post(server, "\(base)/pause", authorization: bearer).status == 200)
            #expect(try database.buildState() == "paused")
            #expect(try await post(server, "\(base)/resume", authorization: bearer).status == 200)
            #expect(try database.buildState() == "running")
            let retried = try await post(server, "\(base)/retry", authorization: bearer)
            #expect(try retried.json()["data"].flatMap { ($0 as? [String: Any])?["jobs"] as? Int } == 1)
            #expect(try database.jobState() == "available")
            #expect(try await post(server, "\(base)/cancel", authorization: bearer).status == 200)
            #expect(try database.buildState() == "cancelled")
            for unknown in ["/api/queue/builds/999999/pause", "/api/queue/jobs/999999/retry", "/api/queue/builds/x/cancel"] {
                #expect(try await post(server, unknown, authorization: bearer).status == 404, "\(unknown)")
            }
        }
    }

    @Test func noPageOfAnotherOriginMaySendAnAction() async throws {
        let f = try await fixture()
        let preflight = try await f.get("/api/queue/builds/1/pause", method: "OPTIONS", headers: [
            "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        ])
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-methods"]?.contains("POST") == false)
    }

    @Test func anAdminTokenIsLongEnoughAndFitsABearerHeader() throws {
        #expect(throws: ServerError.self) { try AdminToken("short") }
        #expect(throws: ServerError.self) { try AdminToken("0123456789abcdef with spaces") }
        #expect(throws: ServerError.self) { try AdminToken("0123456789abcdef=x") }
        #expect("\(try AdminToken(Self.token))" == "AdminToken(redacted)")
    }
}
