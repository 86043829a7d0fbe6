import Foundation
import IlluminatiCoordinator
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiSample
import IlluminatiStorage
import IlluminatiTestSupport
import Logging

/// A fresh migrated database holding one small sample experiment, registered the way
/// `experiment create` registers it, and a storage folder for its outputs.
struct CoordinatorFixture {
    let conninfo: String
    let connection: DatabaseConnection
    let stored: StoredExperiment
    let root: TemporaryDirectory

    static let logger = Logger(label: "illuminati.coordinator-tests")

    static func make(name: String = "plate", cycles: Int = 1) throws -> CoordinatorFixture {
        let root = TemporaryDirectory.make(prefix: "illuminati-coordinator-test")
        var spec = SamplePlateSpec()
        spec.wells = .count(1)
        spec.siteRows = 1
        spec.siteColumns = 2
        spec.height = 64
        spec.width = 96
        spec.channels = 2
        spec.cycles = cycles
        let sample = try SamplePlate.generate(spec, into: root.file("images"))
        let (conninfo, connection) = try TestDatabase.create()
        let store = ExperimentStore(connection)
        _ = try CreateExperiment(logger: logger).run(name: name, manifest: sample.manifestPath, store: store)
        return CoordinatorFixture(conninfo: conninfo, connection: connection, stored: try store.load(name), root: root)
    }

    var outputs: ExperimentStorage { ExperimentStorage(root: root.file("storage"), experiment: stored.experiment.name) }

    /// A planned build of trivial jobs (nobody runs them; a test completes or fails them).
    func plannedBuild(stages: [Int]) throws -> Int64 {
        let layer = LayerPlan(name: "layer", stages: stages.map { count in
            (0..<count).map { JobSpec(kind: "noop", payload: "{\"i\":\($0)}", locality: Int64($0)) }
        })
        let plan = BuildPlan(experimentID: stored.id, retry: RetryPolicy(maxAttempts: 1), layers: [layer])
        return try BuildStore(connection).create(plan, start: false)
    }

    func drive(display: RecordingDisplay) -> DriveBuild {
        DriveBuild(connection: connection, conninfo: conninfo, logger: Self.logger, interval: .milliseconds(50),
                   depth: 1, outputs: outputs, display: display)
    }
}

/// What `DriveBuild` would have shown on a terminal.
final class RecordingDisplay: BuildDisplay {
    private(set) var announced: [String] = []
    private(set) var shown: [[String]] = []
    private(set) var finished = 0

    func announce(_ line: String) { announced.append(line) }
    func show(_ lines: [String]) { shown.append(lines) }
    func finish() { finished += 1 }
}

/// Stands in for a worker: claims the build's jobs as they become available and completes
/// them, on a thread and connection of its own, until the build is over. On any error it
/// cancels the build, so that the driver under test returns instead of waiting forever.
enum JobCompleter {
    static func start(conninfo: String, build: Int64, timeout: Duration = .seconds(60)) {
        Thread.detachNewThread {
            do {
                let connection = try DatabaseConnection(conninfo: conninfo)
                let worker = try WorkerRegistry(connection).register(
                    WorkerInfo(hostname: "test", kinds: ["noop"], concurrency: 1, lease: .seconds(30)))
                let queue = JobQueue(connection)
                let end = ContinuousClock.now + timeout
                while ContinuousClock.now < end {
                    let state = try BuildStore(connection).info(build).state
                    if state == .succeeded || state == .cancelled { return }
                    let jobs = try queue.claim(worker: worker, limit: 100)
                    for job in jobs { _ = try queue.complete(job.lease, result: nil) }
                    if jobs.isEmpty { usleep(20_000) }
                }
                _ = try BuildStore(connection).cancel(build)
            } catch {
                _ = try? BuildStore(DatabaseConnection(conninfo: conninfo)).cancel(build)
            }
        }
    }
}
