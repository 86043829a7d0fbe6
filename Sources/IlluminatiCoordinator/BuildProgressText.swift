import IlluminatiQueue

/// The progress of a build as text: one line per layer (depth 1), plus one per level (depth 2).
public enum BuildProgressText {
    public static func lines(_ levels: [LevelProgress], depth: Int) -> [String] {
        var lines: [String] = []
        var order: [String] = []
        var byLayer: [String: [LevelProgress]] = [:]
        for level in levels {
            if byLayer[level.layer] == nil { order.append(level.layer) }
            byLayer[level.layer, default: []].append(level)
        }
        let width = order.map(\.count).max() ?? 0
        for layer in order {
            let levels = byLayer[layer]!.sorted { $0.level < $1.level }
            let total = levels.reduce(0) { $0 + $1.total }
            let done = levels.reduce(0) { $0 + $1.succeeded + $1.cancelled }
            let failed = levels.reduce(0) { $0 + $1.failed }
            let finishedLevels = levels.filter { $0.state == .succeeded || $0.state == .cancelled }.count
            let current = levels.first { $0.state == .running }
            var line = layer.padding(toLength: width, withPad: " ", startingAt: 0)
                + "  " + bar(done, total) + "  \(done)/\(total) jobs, level \(finishedLevels)/\(levels.count)"
            if let current, current.running > 0 { line += ", \(current.running) running" }
            if failed > 0 { line += ", \(failed) FAILED" }
            lines.append(line)
            if depth >= 2 {
                for level in levels {
                    var detail = "    level \(level.level): \(level.state.rawValue), \(level.succeeded)/\(level.total) done"
                    if level.running > 0 { detail += ", \(level.running) running" }
                    if level.available > 0 { detail += ", \(level.available) queued" }
                    if level.failed > 0 { detail += ", \(level.failed) failed" }
                    if let eta = level.eta { detail += ", about \(Int(eta.components.seconds)) s left" }
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
