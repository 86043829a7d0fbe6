import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiDatabase
import IlluminatiPostgres
import IlluminatiTestSupport
import Logging
import Testing

/// Planning records its init log whoever runs it (`init`, `submit`, `demo`), and keeps the
/// lines at info whatever the caller's logger lets through.
@Suite(.tags(.database))
struct PhaseRecordingTests {
    @Test func planningRecordsItsLogEvenWhenTheTerminalShowsOnlyErrors() throws {
        let fixture = try CoordinatorFixture.make()
        var quiet = Logger(label: "quiet")
        quiet.logLevel = .error
        let outcome = try PlanBuild(logger: quiet, threads: 2)
            .run(experimentName: "plate", options: BuildOptions(), connection: fixture.connection)
        let log = try #require(try PhaseLogStore(fixture.connection).latest(experimentID: fixture.stored.id, phase: .`init`))
        #expect(log.succeeded && log.buildID == outcome.build)
        #expect(log.entries.first?.message.hasPrefix("planning plate: batch size 100") == true, "\(log.entries)")
        #expect(log.entries.contains { $0.message == "planned build \(outcome.build) of plate: \(outcome.plan.jobCount) jobs" })
        #expect(log.entries.map(\.seconds) == log.entries.map(\.seconds).sorted())
        #expect(try PhaseLogStore(fixture.connection).latest(experimentID: fixture.stored.id, phase: .collect) == nil)

        var bad = BuildOptions()
        bad.layers = ["nonexistent"]
        #expect(throws: (any Error).self) {
            try PlanBuild(logger: quiet, threads: 2).run(experimentName: "plate", options: bad, connection: fixture.connection)
        }
        let failed = try #require(try PhaseLogStore(fixture.connection).latest(experimentID: fixture.stored.id, phase: .`init`))
        #expect(!failed.succeeded && failed.buildID == nil && failed.id > log.id)
        #expect(failed.entries.last?.level == "error" && failed.entries.last?.message.contains("nonexistent") == true,
                "\(failed.entries)")
    }
}
