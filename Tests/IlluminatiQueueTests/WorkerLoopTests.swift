import Foundation
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

/// The generic worker loop, in this process, against a real database.
@Suite(.tags(.database)) struct WorkerLoopTests {
    final class Running: @unchecked Sendable {
        let worker: QueueWorker
        private let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var failure: (any Error)?

        init(_ worker: QueueWorker) {
            self.worker = worker
            Thread.detachNewThread { [self] in
                do { try worker.runBlocking() } catch { lock.lock(); failure = error; lock.unlock() }
                done.signal()
            }
        }

        /// Stops the worker and waits for it; returns its error, if any.
        @discardableResult
        func stop(grace: Duration = .seconds(2)) -> (any Error)? {
            worker.stop(grace: grace)
            finished = done.wait(timeout: .now() + 30) == .success
            lock.lock(); defer { lock.unlock() }
            return failure
        }

        /// Whether the last `stop` saw the worker's run return.
        private(set) var finished = false
    }

    func configuration(_ fixture: QueueFixture, poll: Duration = .milliseconds(100)) -> QueueWorkerConfiguration {
        QueueWorkerConfiguration(conninfo: fixture.conninfo, concurrency: 2, batchSize: 2, lease: .seconds(5),
                                 heartbeatInterval: .milliseconds(100), pollInterval: poll, idlePollInterval: poll,
                                 notifyJitter: .milliseconds(1), reapInterval: nil, cancellationGrace: .seconds(1))
    }

    struct Noop: JobArgs { static let kind = "noop" }
    struct Slow: JobArgs { static let kind = "slow" }
    struct Echo: JobArgs, Equatable { static let kind = "echo"; var text: String }

    /// `noop` jobs, which do nothing.
    static let noop: JobKinds = {
        var kinds = JobKinds()
        kinds.register(Noop.self) { _, _, _ in }
        return kinds
    }()

    /// `slow` jobs, which run `work`.
    func slow(_ work: @escaping @Sendable (ClaimedJob, JobContext) async throws -> Void) -> JobKinds {
        var kinds = JobKinds()
        kinds.register(Slow.self) { _, job, context in try await work(job, context) }
        return kinds
    }

    @Test func aJobOfAKindTheWorkerDoesNotHandleIsLeftForAWorkerThatDoes() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [
            [JobSpec(kind: "render-tile"), JobSpec(kind: "noop")]])]))
        let running = Running(QueueWorker(configuration: configuration(fixture), kinds: Self.noop))
        defer { running.stop() }
        #expect(try fixture.eventually { try QueueInspector(fixture.db).history(build: build).succeeded == 1 })
        #expect(try QueueInspector(fixture.db).failures(build: build).isEmpty)
        #expect(try fixture.string("SELECT state || ' ' || attempt AS v FROM jobs WHERE kind = 'render-tile'") == "available 0")
    }

    @Test func aPayloadThatDoesNotDecodeIsDeadLetteredAtOnceAndTheWorkerRunsOn() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [
            [JobSpec(kind: "echo", payload: #"{"text": 7}"#), JobSpec(kind: "echo", payload: "{}"),
             try JobSpec(args: Echo(text: "hello"))]])]))
        var kinds = JobKinds()
        kinds.register(Echo.self) { args, _, _ in args }
        let running = Running(QueueWorker(configuration: configuration(fixture), kinds: kinds))
        #expect(try fixture.eventually { try QueueInspector(fixture.db).failures(build: build).count == 2 })
        let failures = try QueueInspector(fixture.db).failures(build: build)
        #expect(failures.allSatisfy { $0.attempt == 1 && $0.errors.map(\.kind) == ["permanent"] })
        let messages = failures.map(\.lastError).sorted()
        #expect(messages.allSatisfy { $0.hasPrefix("the payload of a job of kind 'echo' cannot be read: ") }, "\(messages)")
        #expect(messages.contains { $0.hasSuffix("cannot be read: text: Expected to decode String but found number instead.") },
                "\(messages)")
        #expect(messages.contains { $0.hasSuffix(#"cannot be read: missing key "text""#) }, "\(messages)")
        #expect(try fixture.eventually { try QueueInspector(fixture.db).history(build: build).succeeded == 1 })
        let result = try #require(try fixture.string("SELECT result::text AS v FROM job_history WHERE outcome = 'succeeded'", []))
        #expect(try QueueJSON.decode(Echo.self, from: result) == Echo(text: "hello"))
        #expect(running.stop() == nil)
    }

    @Test func aGracefulStopReleasesUnfinishedJobsGivingTheAttemptBack() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(4, kind: "slow")])]))
        let started = Counter()
        let worker = QueueWorker(configuration: configuration(fixture), kinds: slow { _, _ in
            started.add(1)
            try await Task.sleep(for: .seconds(60))
        })
        let running = Running(worker)
        #expect(fixture.eventually { started.value == 4 })
        let id = try #require(worker.workerID)
        #expect(running.stop(grace: .milliseconds(300)) == nil)
        #expect(try fixture.int("SELECT count(*) AS n FROM jobs WHERE state = 'available' AND attempt = 0", []) == 4)
        #expect(try fixture.int("SELECT count(*) AS n FROM workers WHERE id = $1", [id]) == 0)
        #expect(try QueueInspector(fixture.db).failures(build: build).isEmpty)
    }

    @Test func cancellingABuildStopsItsRunningJobs() throws {
        let fixture = try QueueFixture.make()
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(2, kind: "slow")])]))
        let started = Counter(), stopped = Counter()
        let running = Running(QueueWorker(configuration: configuration(fixture), kinds: slow { _, context in
            started.add(1)
            do { try await Task.sleep(for: .seconds(60)) } catch {
                if context.stopReason == .buildCancelled { stopped.add(1) }
                throw error
            }
        }))
        defer { running.stop() }
        #expect(fixture.eventually { started.value == 2 })
        try store.cancel(build)
        #expect(fixture.eventually(timeout: .seconds(10)) { stopped.value == 2 })
        #expect(try fixture.eventually { try fixture.int("SELECT count(*) AS n FROM jobs", []) == 0 })
        #expect(try fixture.int("SELECT count(*) AS n FROM job_history WHERE outcome = 'cancelled' AND worker_id IS NOT NULL", []) == 2)
    }

    @Test func aJobPastItsRuntimeLimitIsStoppedAndRetried() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan(
            [LayerPlan(name: "a", stages: [[JobSpec(kind: "slow", maxRuntime: .milliseconds(300))]])],
            retry: RetryPolicy(maxAttempts: 2, backoff: Backoff(base: .milliseconds(10), cap: .milliseconds(10)))))
        let running = Running(QueueWorker(configuration: configuration(fixture), kinds: slow { _, _ in
            try await Task.sleep(for: .seconds(60))
        }))
        defer { running.stop() }
        #expect(try fixture.eventually { try QueueInspector(fixture.db).failures(build: build).count == 1 })
        let failed = try QueueInspector(fixture.db).failures(build: build)[0]
        #expect(failed.errors.map(\.kind) == ["deadline", "deadline"])
        #expect(failed.lastError == "exceeded its duration limit of 00:00:00.300 and was stopped by its worker")
    }

    @Test func aLostLeaseStopsTheJobAndDropsItsResult() throws {
        let fixture = try QueueFixture.make()
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [
            [try JobSpec(args: Echo(text: "late"))]])]))
        let started = Counter(), lost = Counter()
        var kinds = JobKinds()
        kinds.register(Echo.self) { args, job, context in
            started.add(1)
            if job.attempt == 1 {
                do { try await Task.sleep(for: .seconds(60)) } catch {
                    if context.stopReason == .leaseLost { lost.add(1) }
                }
                return args   // dropped: the lease is gone
            }
            return nil
        }
        let worker = QueueWorker(configuration: configuration(fixture), kinds: kinds)
        let running = Running(worker)
        defer { running.stop() }
        #expect(fixture.eventually { started.value == 1 })
        // An operator declares the worker dead; the worker learns it at its next heartbeat,
        // registers anew and later runs the job again itself.
        let first = try #require(worker.workerID)
        #expect(try WorkerRegistry(fixture.db).release(first) == 1)
        #expect(fixture.eventually { lost.value == 1 })
        try fixture.db.execute("UPDATE jobs SET run_at = now()", name: "skip backoff")
        #expect(try fixture.eventually { try QueueInspector(fixture.db).history(build: build).succeeded == 1 })
        #expect(try fixture.string("SELECT result::text AS v FROM job_history", []) == nil)
        #expect(worker.workerID != first)
    }

    /// Plans a one-job build without starting it and runs a worker with `configuration` until
    /// each of its claim loops has made its first (empty) claim and gone to sleep (the claim is
    /// their connections' last statement) and its heartbeat connection has beaten, which it
    /// first does right after its LISTEN; then starts the build, whose notification is all that
    /// can wake the worker before its poll. Returns the running worker and whether the build
    /// succeeded within 20 s.
    private func startBuildBeside(idle configuration: QueueWorkerConfiguration,
                                  _ fixture: QueueFixture) throws -> (running: Running, succeeded: Bool) {
        let store = BuildStore(fixture.db)
        let build = try store.create(fixture.plan([LayerPlan(name: "a", stages: [jobs(1)])]), start: false)
        let running = Running(QueueWorker(configuration: configuration, kinds: Self.noop))
        #expect(try fixture.eventually { try fixture.int("SELECT count(*) AS n FROM workers", []) == 1 })
        #expect(try fixture.eventually {
            try fixture.int("""
                SELECT (count(*) FILTER (WHERE query LIKE '%WITH picked AS MATERIALIZED%' AND state = 'idle') = $1
                        AND count(*) FILTER (WHERE query LIKE '%UPDATE workers SET last_seen%') = 1)::int AS n
                FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                """, [configuration.concurrency]) == 1
        })
        try store.start(build)
        let succeeded = try fixture.eventually(timeout: .seconds(20)) { try store.info(build).state == .succeeded }
        return (running, succeeded)
    }

    @Test func aNotificationWakesAnIdleWorkerLongBeforeItsNextPoll() throws {
        let fixture = try QueueFixture.make()
        let (running, succeeded) = try startBuildBeside(idle: configuration(fixture, poll: .seconds(120)), fixture)
        defer { running.stop() }
        #expect(succeeded)
    }

    /// The notification jitter spreads the claims of a worker's other loops; its first loop
    /// claims at once. With a jitter and a poll interval far longer than the wait, only a
    /// claim made right after the notification finishes the build in time.
    @Test func aWorkersFirstLoopClaimsAtOnceWhenNotified() throws {
        let fixture = try QueueFixture.make()
        var configuration = configuration(fixture, poll: .seconds(600))
        configuration.concurrency = 1
        configuration.notifyJitter = .seconds(600)
        let (running, succeeded) = try startBuildBeside(idle: configuration, fixture)
        defer { running.stop() }
        #expect(succeeded)
    }

    /// A loop sleeping its notification jitter wakes for a stop: with a jitter of ten minutes,
    /// the second loop woken by the build's start still returns within the stop's wait.
    @Test func aStopEndsTheNotificationJitterAtOnce() throws {
        let fixture = try QueueFixture.make()
        var configuration = configuration(fixture, poll: .seconds(600))
        configuration.notifyJitter = .seconds(600)
        let (running, succeeded) = try startBuildBeside(idle: configuration, fixture)
        #expect(succeeded)
        #expect(running.stop() == nil)
        #expect(running.finished)
    }

    @Test func aWorkerGivesUpWhenTheDatabaseIsUnreachableAtStart() throws {
        let configuration = QueueWorkerConfiguration(
            conninfo: "host=/nonexistent-socket-dir port=1 user=nobody dbname=none connect_timeout=1",
            startupRetry: ConnectionRetry(backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(50)),
                                          giveUpAfter: .milliseconds(400)))
        let worker = QueueWorker(configuration: configuration, kinds: Self.noop)
        #expect {
            try worker.runBlocking()
        } throws: { error in
            guard case .databaseUnavailable(let message) = error as? QueueWorkerError else { return false }
            return message.contains("gave up after")
        }
    }
}
