import Foundation
import IlluminatiMetrics
import IlluminatiPostgres
import IlluminatiQueue
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database, .process)) struct QueueGaugesTests {
    private func value(_ readings: [GaugeReading], _ family: MetricFamily, _ labels: String...) -> Double? {
        readings.first { $0.family.name == family.name }?.samples.first { $0.labels == labels }?.value
    }

    private func samples(_ readings: [GaugeReading], _ family: MetricFamily) -> [GaugeReading.Sample] {
        readings.first { $0.family.name == family.name }?.samples ?? []
    }

    /// Every family is read, the global ones with a value even on an empty queue, and a build
    /// not yet started has each of its series, at zero where nothing is counted.
    @Test func everySeriesExistsFromTheStart() throws {
        let fixture = try QueueFixture.make()
        let empty = try QueueGauges.read(fixture.db)
        #expect(empty.map(\.family.name) == MetricCatalog.queueState.map(\.name))
        #expect(value(empty, MetricCatalog.queueUp) == 1)
        for family in [MetricCatalog.queueDeadLetters, MetricCatalog.queueClaimableJobs, MetricCatalog.queueOldestClaimableAge,
                       MetricCatalog.queueWorkersAlive] {
            #expect(value(empty, family) == 0, "\(family.name)")
        }
        #expect(samples(empty, MetricCatalog.queueJobs).isEmpty)

        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(3)]),
                                                                     LayerPlan(name: "b", stages: [jobs(2), jobs(1)])]),
                                                       start: false)
        let planned = try QueueGauges.read(fixture.db)
        let id = String(build)
        #expect(samples(planned, MetricCatalog.queueJobs).count == 2 * JobState.allCases.count)
        #expect(value(planned, MetricCatalog.queueJobs, id, "a", "waiting") == 3)
        #expect(value(planned, MetricCatalog.queueJobs, id, "b", "waiting") == 3)
        #expect(value(planned, MetricCatalog.queueJobs, id, "b", "failed") == 0)
        #expect(value(planned, MetricCatalog.buildState, id, "planned") == 1)
        #expect(value(planned, MetricCatalog.buildState, id, "running") == 0)
        #expect(value(planned, MetricCatalog.buildState, id, "paused") == 0)
        #expect(value(planned, MetricCatalog.buildJobsRemaining, id) == 6)
        #expect(value(planned, MetricCatalog.buildThroughput, id) == 0)
        #expect(value(planned, MetricCatalog.buildETA, id) == -1)
        #expect(value(planned, MetricCatalog.buildProgressAge, id) == 0)

        let text = planned.map(\.text).joined()
        let lint = try Promtool.checkMetrics(text)
        #expect(lint.status == 0 && lint.output.isEmpty, "promtool: \(lint.output)\n\(text)")
        #expect(text.contains("illuminati_queue_jobs{build=\"\(id)\",layer=\"a\",state=\"available\"} 0\n"), "\(text)")
    }

    /// The gauges follow the queue: dead letters, claimable jobs and the oldest one's age, live
    /// workers, throughput, ETA and the time since the build's last progress.
    @Test func gaugesFollowTheQueue() throws {
        let fixture = try QueueFixture.make()
        let queue = JobQueue(fixture.db)
        let build = try BuildStore(fixture.db).create(fixture.plan([LayerPlan(name: "a", stages: [jobs(10)])]))
        let id = String(build)
        let worker = try fixture.registerWorker()
        let claimed = try queue.claim(worker: worker, limit: 4)
        #expect(try queue.fail(claimed[0].lease, message: "bad input", retryable: false)?.state == .failed)
        _ = try queue.complete([claimed[1], claimed[2]].map { Completion(lease: $0.lease) })
        _ = try fixture.db.execute("UPDATE jobs SET run_at = now() - interval '120 seconds' WHERE state = 'available'",
                                   name: "overdue")

        let readings = try QueueGauges.read(fixture.db)
        #expect(value(readings, MetricCatalog.queueDeadLetters) == 1)
        #expect(value(readings, MetricCatalog.queueJobs, id, "a", "failed") == 1)
        #expect(value(readings, MetricCatalog.queueJobs, id, "a", "running") == 1)
        #expect(value(readings, MetricCatalog.queueJobs, id, "a", "available") == 6)
        #expect(value(readings, MetricCatalog.queueClaimableJobs) == 6)
        #expect(try #require(value(readings, MetricCatalog.queueOldestClaimableAge)) >= 120)
        #expect(value(readings, MetricCatalog.queueWorkersAlive) == 1)
        #expect(value(readings, MetricCatalog.buildState, id, "running") == 1)
        #expect(value(readings, MetricCatalog.buildJobsRemaining, id) == 8)
        #expect(abs(try #require(value(readings, MetricCatalog.buildThroughput, id)) - 2.0 / 300) < 1e-9)
        #expect(abs(try #require(value(readings, MetricCatalog.buildETA, id)) - 1200) < 1e-6)
        #expect(try #require(value(readings, MetricCatalog.buildProgressAge, id)) < 60)

        // Ten minutes later, with no job finished meanwhile and the worker silent.
        for later in ["UPDATE job_history SET finished_at = finished_at - interval '11 minutes'",
                      "UPDATE builds SET started_at = started_at - interval '11 minutes'",
                      "UPDATE workers SET last_seen = last_seen - interval '11 minutes'"] {
            _ = try fixture.db.execute(later, name: "later")
        }
        let later = try QueueGauges.read(fixture.db)
        #expect(try #require(value(later, MetricCatalog.buildProgressAge, id)) >= 660)
        #expect(value(later, MetricCatalog.buildThroughput, id) == 0)
        #expect(value(later, MetricCatalog.buildETA, id) == -1)
        #expect(value(later, MetricCatalog.queueWorkersAlive) == 0)

        // A build that is over has no series any more.
        _ = try BuildStore(fixture.db).cancel(build)
        let over = try QueueGauges.read(fixture.db)
        #expect(samples(over, MetricCatalog.queueJobs).isEmpty)
        #expect(samples(over, MetricCatalog.buildState).isEmpty)
    }

    @Test func aQueueThatCannotBeReadSaysSo() {
        let text = QueueGauges.unavailable.map(\.text).joined()
        #expect(text.hasSuffix("# TYPE illuminati_queue_up gauge\nilluminati_queue_up 0\n"), "\(text)")
    }
}
