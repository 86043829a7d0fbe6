/// The queue dashboard's paths: its page, its data, and its actions (POST, with the admin token).
extension APIPath {
    static let buildNumber = P.path("build", "A build's id.", schema: P.number, examples: ["first": 1])

    static func buildAction(_ action: String, name: String, summary: String) -> APIPath {
        APIPath(path: "/api/queue/builds/{build}/\(action)", method: .post, name: name, tag: "queue", summary: summary,
                pathParameters: [buildNumber], responses: actionResponses("No such build."))
    }

    /// What an action answers: what it touched, or why it did nothing.
    static func actionResponses(_ notFound: String) -> [String: JSONValue] {
        ["200": R.json("What the action touched.", schema: "ControlAnswer"),
         "401": R.error("No credentials, or not `Authorization: Bearer <token>`.")
             .setting("headers", R.headers(["WWW-Authenticate", "X-Request-Id"])),
         "403": R.error("A wrong token, or the server was started without one (read-only).")]
            .merging(R.notFound(notFound)) { $1 }.merging(R.databaseErrors) { $1 }
    }

    static let queue: [APIPath] = [
        APIPath(path: "/queue", name: "QueueDashboard", tag: "queue",
                summary: "The queue dashboard: builds with their stages and progress, running jobs, dead letters, workers.",
                parameters: [P.ifNoneMatch],
                responses: ["200": R.ok("The dashboard's page.", R.content(["text/html"]), validated: true), "304": R.notModified]),
        APIPath(path: "/api/queue", name: "Queue", tag: "queue",
                summary: "Every live build and the last 10 finished, each with its stages, running jobs and dead letters (100 each at most); the workers.",
                responses: ["200": R.json("The queue.", schema: "QueueAnswer")].merging(R.databaseErrors) { $1 }),
        buildAction("pause", name: "PauseBuild", summary: "Hold a running build's claimable jobs (running ones finish)."),
        buildAction("resume", name: "ResumeBuild", summary: "Release a paused build's held jobs."),
        buildAction("cancel", name: "CancelBuild", summary: "Cancel a build: jobs not running are cancelled, running ones asked to stop."),
        buildAction("retry", name: "RetryBuild", summary: "Queue every dead letter of a build again, with a fresh set of attempts."),
        APIPath(path: "/api/queue/jobs/{job}/retry", method: .post, name: "RetryJob", tag: "queue",
                summary: "Queue one dead letter again, with a fresh set of attempts (a job that is not one is left alone).",
                pathParameters: [P.path("job", "A job's id.", schema: P.number, examples: ["first": 1])],
                responses: actionResponses("No such job.")),
    ]
}
