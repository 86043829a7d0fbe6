import Foundation

/// One progress line per phase on stderr.
final class PhaseProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String: (line: ProgressLine, started: Date)] = [:]
    private var order: [String] = []

    func update(_ phase: String, _ done: Int, _ total: Int) {
        let line: ProgressLine = lock.withLock {
            if let existing = lines[phase] { return existing.line }
            let created = ProgressLine(label: phase)
            lines[phase] = (created, Date())
            order.append(phase)
            return created
        }
        line.update(done, total)
        if done == total { finish(phase) }
    }

    private func finish(_ phase: String) {
        guard let entry = lock.withLock({ lines.removeValue(forKey: phase) }) else { return }
        entry.line.finish(String(format: "%.2f s", Date().timeIntervalSince(entry.started)))
    }

    func finishAll() {
        for phase in lock.withLock({ order }) { finish(phase) }
    }
}
