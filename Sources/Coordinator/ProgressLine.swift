import Foundation

/// Progress of a long step on stderr: a self-updating line on a terminal, a few plain lines
/// otherwise (logs and CI).
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastPercent = -1

    init(label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        guard total > 0 else { return }
        let percent = done * 100 / total
        lock.lock()
        defer { lock.unlock() }
        if isTerminal {
            guard percent != lastPercent else { return }
            FileHandle.standardError.write(Data("\r\(label): \(done)/\(total) (\(percent) %)".utf8))
        } else {
            guard percent / 25 != lastPercent / 25 || done == total else { return }
            FileHandle.standardError.write(Data("\(label): \(done)/\(total) (\(percent) %)\n".utf8))
        }
        lastPercent = percent
    }

    func finish(_ note: String) {
        lock.lock()
        defer { lock.unlock() }
        let prefix = isTerminal ? "\r\u{1B}[K" : ""
        FileHandle.standardError.write(Data("\(prefix)\(label): done in \(note)\n".utf8))
    }
}
