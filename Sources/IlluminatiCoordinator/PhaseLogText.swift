import Foundation
import IlluminatiDatabase

/// How `illuminati log` and `info` show the log of a coordinator phase: a head line, one
/// line per entry with its time since the start, and how the phase ended, like a run job's.
public enum PhaseLogText {
    public static func lines(_ log: PhaseLog, phase: CoordinatorPhase) -> [String] {
        var lines = ["\(log.startedAt) \(phase.rawValue) on \(log.host) (pid \(log.pid))"
                     + (log.buildID.map { ", build \($0)" } ?? "")]
        for entry in log.entries {
            lines.append(String(format: "  +%.3f s ", entry.seconds) + "\(entry.level): \(entry.message)")
        }
        lines.append("\(log.finishedAt) \(phase.rawValue) " + summary(log))
        return lines
    }

    /// `succeeded in 1.25 s, 1 warning`: one line for `info`.
    public static func summary(_ log: PhaseLog) -> String {
        let warnings = log.entries.filter { $0.level == "warning" }.count
        return (log.succeeded ? "succeeded" : "failed") + String(format: " in %.2f s", log.seconds)
            + (warnings == 0 ? "" : ", \(warnings) warning" + (warnings == 1 ? "" : "s"))
    }
}
