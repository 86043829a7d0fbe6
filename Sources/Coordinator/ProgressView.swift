import Foundation
import IlluminatiCoordinator

/// Redraws a block of lines in place on a terminal; prints changed blocks otherwise.
final class ProgressView: BuildDisplay {
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private var previous: [String] = []

    func announce(_ line: String) { print(line) }

    func show(_ lines: [String]) {
        guard lines != previous else { return }
        var text = ""
        if isTerminal && !previous.isEmpty { text += "\u{1B}[\(previous.count)A" }
        for line in lines { text += (isTerminal ? "\u{1B}[2K" : "") + line + "\n" }
        if !isTerminal { text += "\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
        previous = lines
    }

    func finish() { previous = [] }
}
