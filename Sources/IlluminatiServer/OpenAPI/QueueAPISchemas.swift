/// JSON Schemas of `/api/queue` and the actions' answers: `QueueOverview` and `ControlOutcome`
/// (IlluminatiQueue) in snake_case; a member without a value is left out.
extension APISchemas {
    static let number: JSONValue = ["type": "number"]
    static let boolean: JSONValue = ["type": "boolean"]

    static let queue: [String: JSONValue] = [
        "QueueAnswer": data(object([
            "builds": array(ref("QueueBuild")), "workers": array(ref("QueueWorker")),
            "admin": ["type": "boolean", "description": "Whether this server takes actions (it was started with an admin token)."],
        ])),
        "QueueBuild": object([
            "id": integer, "experiment_id": integer, "experiment": string,
            "state": ["enum": ["planned", "running", "paused", "succeeded", "cancelled"]],
            "created_at": string, "started_at": string, "finished_at": string,
            "stages": array(ref("QueueStage")), "running": array(ref("QueueJob")), "failed": array(ref("QueueJob")),
        ], required: ["id", "experiment_id", "experiment", "state", "created_at", "stages", "running", "failed"]),
        "QueueStage": object([
            "layer": string, "stage": count, "state": ["enum": ["waiting", "running", "succeeded", "cancelled"]],
            "total": count, "succeeded": count, "cancelled": count, "waiting": count, "available": count, "held": count,
            "running": count, "failed": count, "jobs_per_second": number, "eta_seconds": number,
        ], required: ["layer", "stage", "state", "total", "succeeded", "cancelled", "waiting", "available", "held", "running",
                      "failed", "jobs_per_second"]),
        "QueueJob": object([
            "id": integer, "layer": string, "stage": count, "kind": string,
            "state": ["enum": ["waiting", "available", "held", "running", "failed"]],
            "attempt": count, "max_attempts": count, "run_at": string,
            "worker": object(["id": string, "host": string, "pid": integer], required: ["id"]),
            "runtime_seconds": number, "last_error": string,
            "file": ["type": "string", "description": "The file the last error names."],
        ], required: ["id", "layer", "stage", "kind", "state", "attempt", "max_attempts", "run_at"]),
        "QueueWorker": object([
            "id": string, "host": string, "pid": integer, "alive": boolean, "state": ["enum": ["active", "draining"]],
            "running_jobs": count, "concurrency": count, "kinds": array(string), "version": string,
            "cores": count, "memory_mb": count,
            "heartbeat_age_seconds": number,
        ]),
        "ControlAnswer": data(object([
            "action": ["enum": ["pause", "resume", "cancel", "retry"]],
            "build": integer,
            "build_state": ["enum": ["planned", "running", "paused", "succeeded", "cancelled"]],
            "jobs": count,
            "job_ids": array(integer),
        ], required: ["action", "build", "build_state", "jobs"])),
    ]
}
