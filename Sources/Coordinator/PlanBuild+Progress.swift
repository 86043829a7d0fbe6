import IlluminatiCoordinator
import Logging

extension PlanBuild {
    /// Planning that shows on stderr how many intensity windows are decided.
    static func showingProgress(logger: Logger) -> PlanBuild {
        let progress = ProgressLine(label: "intensity windows")
        return PlanBuild(logger: logger) { done, total in progress.update(done, total) }
    }
}
