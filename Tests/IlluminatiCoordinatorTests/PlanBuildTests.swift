import Foundation
import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiCore
import IlluminatiQueue
import IlluminatiTestSupport
import Synchronization
import Testing

@Suite(.tags(.database))
struct PlanBuildTests {
    @Test func plansEveryLayerIntoABuildThatHasNotStarted() throws {
        let fixture = try CoordinatorFixture.make()
        let windows = Mutex<(done: Int, total: Int)>((0, 0))
        let planner = PlanBuild(logger: CoordinatorFixture.logger, threads: 2) { done, total in
            windows.withLock { $0 = (done, total) }
        }

        let outcome = try planner.run(experimentName: "plate", options: BuildOptions(), connection: fixture.connection)

        #expect(outcome.replaced == nil)
        #expect(outcome.plan.jobCount > 0)
        #expect(outcome.descriptor.layers.map(\.spec.name).sorted() == fixture.stored.experiment.layers.map(\.name).sorted())
        let info = try BuildStore(fixture.connection).info(outcome.build)
        #expect(info.state == .planned)
        #expect(info.experimentID == fixture.stored.id)
        let progress = windows.withLock { $0 }
        #expect(progress.total > 0 && progress.done == progress.total, "\(progress)")
        let queued = try QueueInspector(fixture.connection).stages(build: outcome.build).reduce(0) { $0 + $1.total }
        #expect(queued == outcome.plan.jobCount)
    }

    @Test func replacesAPlannedBuildThatNeverStarted() throws {
        let fixture = try CoordinatorFixture.make()
        let planner = PlanBuild(logger: CoordinatorFixture.logger, threads: 2)
        let first = try planner.run(experimentName: "plate", options: BuildOptions(), connection: fixture.connection)

        let second = try planner.run(experimentName: "plate", options: BuildOptions(), connection: fixture.connection)

        #expect(second.replaced == first.build)
        #expect(second.build != first.build)
        #expect(try BuildStore(fixture.connection).info(first.build).state == .cancelled)
        #expect(try BuildStore(fixture.connection).latestBuild(experiment: fixture.stored.id)?.id == second.build)
    }

    @Test func leavesAStartedBuildAloneAndSaysSoAsBadInput() throws {
        let fixture = try CoordinatorFixture.make()
        let planner = PlanBuild(logger: CoordinatorFixture.logger, threads: 2)
        let first = try planner.run(experimentName: "plate", options: BuildOptions(), connection: fixture.connection)
        #expect(try BuildStore(fixture.connection).start(first.build))

        let error = #expect(throws: BuildError.self) {
            try planner.run(experimentName: "plate", options: BuildOptions(), connection: fixture.connection)
        }

        #expect(error == .buildStarted(experiment: "plate", build: first.build))
        #expect(error.map { ErrorClass(of: $0) } == .badInput)
        #expect(try BuildStore(fixture.connection).info(first.build).state == .running)
    }

    @Test func refusesAnUnknownExperiment() throws {
        let fixture = try CoordinatorFixture.make()
        let planner = PlanBuild(logger: CoordinatorFixture.logger, threads: 2)
        let error = #expect(throws: (any Error).self) {
            try planner.run(experimentName: "elsewhere", options: BuildOptions(), connection: fixture.connection)
        }
        #expect(error.map { ErrorClass(of: $0) } == .badInput, "\(String(describing: error))")
    }
}
