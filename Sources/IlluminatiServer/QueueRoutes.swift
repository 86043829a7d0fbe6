import Foundation
import Hummingbird
import IlluminatiPostgres
import IlluminatiQueue

/// The queue dashboard's data (`/api/queue`: builds with their stages, running jobs, dead
/// letters, workers) and its actions, each a POST that needs the admin token
/// (`AdminAuthorization`): `/api/queue/builds/{build}/pause|resume|cancel|retry` and
/// `/api/queue/jobs/{job}/retry`. The actions are `QueueControl`'s, as on the command line.
struct QueueRoutes: Sendable {
    let database: DatabasePool
    let admin: AdminAuthorization

    /// `/api/queue`: the overview, and whether this server takes actions.
    struct Answer: Encodable {
        var overview: QueueOverview
        var admin: Bool

        enum CodingKeys: String, CodingKey { case admin }

        func encode(to encoder: any Encoder) throws {
            try overview.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(admin, forKey: .admin)
        }
    }

    static let buildActions: [(name: String, act: @Sendable (QueueControl, Int64) throws -> ControlOutcome)] = [
        ("pause", { try $0.pause($1) }),
        ("resume", { try $0.resume($1) }),
        ("cancel", { try $0.cancel($1) }),
        ("retry", { try $0.retry($1, RetrySelection()) }),
    ]

    func add(to router: Router<BasicRequestContext>) {
        let admin = admin
        router.get("/api/queue") { request, _ in
            let overview = try await database.with { try QueueListing($0).overview() }
            return Responses.json(DataEnvelope(data: Answer(overview: overview, admin: admin.enabled)), request: request)
        }
        for (name, act) in Self.buildActions {
            router.post("/api/queue/builds/:build/\(name)") { request, context in
                try admin.check(request)
                let build = try Self.number(context, "build", what: "build")
                return try await control(request) { try act(QueueControl($0), build) }
            }
        }
        router.post("/api/queue/jobs/:job/retry") { request, context in
            try admin.check(request)
            let job = try Self.number(context, "job", what: "job")
            return try await control(request) { db in
                guard let record = try QueueInspector(db).job(job) else { throw RouteError.notFound("no job \(job)") }
                return try QueueControl(db).retry(record.stage.build, RetrySelection(job: job))
            }
        }
    }

    /// Runs an action once (a write is not repeated on a new connection) and answers what it touched.
    private func control(_ request: Request,
                         _ body: @escaping @Sendable (any StatementRunner) throws -> ControlOutcome) async throws -> Response {
        do {
            let outcome = try await database.with(idempotent: false) { try body($0) }
            return Responses.json(DataEnvelope(data: outcome), request: request)
        } catch QueueError.unknownBuild(let build) {
            throw RouteError.notFound("no build \(build)")
        } catch let error as QueueControlError {
            throw RouteError.notFound(error.description)
        }
    }

    static func number(_ context: BasicRequestContext, _ name: String, what: String) throws -> Int64 {
        let text = context.parameters.get(name) ?? ""
        guard let number = PathParameter.number(text[...]) else { throw RouteError.notFound("no \(what) \(text.prefix(64))") }
        return Int64(number)
    }
}
