import Foundation
import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiQueue
import IlluminatiStorage
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database))
struct DriveBuildTests {
    @Test func startsAPlannedBuildAndReturnsWhenItsLastJobSucceeds() throws {
        let fixture = try CoordinatorFixture.make()
        let build = try fixture.plannedBuild(stages: [3, 2, 1])
        JobCompleter.start(conninfo: fixture.conninfo, build: build)

        let display = RecordingDisplay()
        let outcome = try fixture.drive(display: display).run(fixture.stored, workers: nil)

        guard case .succeeded(let finished) = outcome else {
            Issue.record("expected the build to succeed, got \(outcome)")
            return
        }
        #expect(finished == build)
        #expect(try BuildStore(fixture.connection).info(build).state == .succeeded)
        #expect(display.announced == ["build \(build) of plate: started"])
        #expect(display.shown.last?.first?.hasPrefix("layer") == true, "\(display.shown)")
    }

    @Test func startingABuildRemovesWhatAnEarlierBuildLeftInItsOutputs() throws {
        let fixture = try CoordinatorFixture.make()
        let stale = fixture.outputs.path(LayerLayout("stale").deepZoom)
        try fixture.outputs.create()
        try Data("old".utf8).write(to: URL(fileURLWithPath: stale))
        let build = try fixture.plannedBuild(stages: [1])
        JobCompleter.start(conninfo: fixture.conninfo, build: build)

        _ = try fixture.drive(display: RecordingDisplay()).run(fixture.stored, workers: nil)

        #expect(!FileManager.default.fileExists(atPath: stale))
    }

    @Test func reportsDeadLetteredJobsThatHoldTheBuild() throws {
        let fixture = try CoordinatorFixture.make()
        let build = try fixture.plannedBuild(stages: [2, 1])
        #expect(try BuildStore(fixture.connection).start(build))
        let worker = try WorkerRegistry(fixture.connection).register(
            WorkerInfo(hostname: "test", kinds: ["noop"], concurrency: 1, lease: .seconds(30)))
        let queue = JobQueue(fixture.connection)
        let claimed = try queue.claim(worker: worker, limit: 10)
        try #require(claimed.count == 2)
        #expect(try queue.complete(claimed[0].lease, result: nil))
        _ = try queue.fail(claimed[1].lease, message: "cannot read this image", retryable: false)

        let display = RecordingDisplay()
        let outcome = try fixture.drive(display: display).run(fixture.stored, workers: nil)

        guard case .stuck(let stuck, let failures) = outcome else {
            Issue.record("expected the build to be held by its dead letter, got \(outcome)")
            return
        }
        #expect(stuck == build)
        #expect(failures.map(\.id) == [claimed[1].lease.job])
        #expect(failures.first?.lastError.contains("cannot read this image") == true)
        #expect(display.announced == ["build \(build) of plate: running"])
    }

    @Test func refusesAnExperimentThatHasNoBuild() throws {
        let fixture = try CoordinatorFixture.make()
        let error = #expect(throws: BuildError.self) {
            try fixture.drive(display: RecordingDisplay()).run(fixture.stored, workers: nil)
        }
        #expect(error == .noBuild(experiment: "plate"))
    }
}
