import Foundation
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport

/// A database of its own holding the fixture's experiment and one build whose one job a worker
/// claimed and failed for good: a dead letter for the queue dashboard to show and retry.
struct DeadLetterDatabase {
    let conninfo: String
    let connection: DatabaseConnection
    let build: Int64
    let job: Int64

    static let error = "/images/plate1/A01_s0_GFP.tif: truncated strip 3"

    static func make(_ f: ServerFixture) throws -> DeadLetterDatabase {
        let (conninfo, connection) = try TestDatabase.create()
        let experiment = try ExperimentStore(connection).create(f.experiment, layout: f.layout)
        let build = try BuildStore(connection).create(BuildPlan(experimentID: experiment, retry: RetryPolicy(maxAttempts: 2),
                                                               defaultMaxRuntime: .seconds(60), layers: [
            LayerPlan(name: f.layers[0], stages: [[JobSpec(kind: "pyramid")], [JobSpec(kind: "layer-finish")]]),
        ]))
        let worker = try WorkerRegistry(connection).register(WorkerInfo(hostname: "queue-host", kinds: ["pyramid"], concurrency: 1))
        let claimed = try JobQueue(connection).claim(worker: worker, limit: 1)
        guard let job = claimed.first else { throw TestSupportError("no job to claim") }
        _ = try JobQueue(connection).fail(job.lease, message: error, retryable: false)
        return DeadLetterDatabase(conninfo: conninfo, connection: connection, build: build, job: job.id)
    }

    func value(_ sql: String, _ parameter: Int64) throws -> String {
        try connection.probeValue(sql, [parameter])
    }

    func jobState() throws -> String { try value("SELECT state AS v FROM jobs WHERE id = $1", job) }
    func buildState() throws -> String { try value("SELECT state AS v FROM builds WHERE id = $1", build) }
}
