import IlluminatiQueue

/// The progress of a build as text: one line per layer (depth 1), plus one per stage (depth 2).
public enum BuildProgressText {
    public static func lines(_ stages: [StageProgress], depth: Int) -> [String] {
        var lines: [String] = []
        var order: [String] = []
        var byLayer: [String: [StageProgress]] = [:]
        for stage in stages {
            if byLayer[stage.layer] == nil { order.append(stage.layer) }
            byLayer[stage.layer, default: []].append(stage)
        }
        let width = order.map(\.count).max() ?? 0
        for layer in order {
            let stages = byLayer[layer]!.sorted { $0.stage < $1.stage }
            let total = stages.reduce(0) { $0 + $1.total }
            let done = stages.reduce(0) { $0 + $1.succeeded + $1.cancelled }
            let failed = stages.reduce(0) { $0 + $1.failed }
            let finishedStages = stages.filter { $0.state == .succeeded || $0.state == .cancelled }.count
            let current = stages.first { $0.state == .running }
            var line = layer.padding(toLength: width, withPad: " ", startingAt: 0)
                + "  " + bar(done, total) + "  \(done)/\(total) jobs, stage \(finishedStages)/\(stages.count)"
            if let current, current.running > 0 { line += ", \(current.running) running" }
            if failed > 0 { line += ", \(failed) FAILED" }
            lines.append(line)
            if depth >= 2 {
                for stage in stages {
                    var detail = "    stage \(stage.stage): \(stage.state.rawValue), \(stage.succeeded)/\(stage.total) done"
                    if stage.running > 0 { detail += ", \(stage.running) running" }
                    if stage.available > 0 { detail += ", \(stage.available) queued" }
                    if stage.failed > 0 { detail += ", \(stage.failed) failed" }
                    if let eta = stage.eta { detail += ", about \(Int(eta.components.seconds)) s left" }
                    lines.append(detail)
                }
            }
        }
        return lines
    }

    /// Never traps: counts out of range (more done than planned, negative) fill the bar to its ends.
    static func bar(_ done: Int, _ total: Int, width: Int = 20) -> String {
        let width = max(width, 0)
        let fraction = total <= 0 ? 1 : Double(min(max(done, 0), total)) / Double(total)
        let filled = min(max(Int(fraction * Double(width)), 0), width)
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }
}
