import ArgumentParser

/// An age on the command line: whole numbers with a unit each, largest first or not
/// (`7d`, `12h`, `30m`, `45s`, `2w`, `1h30m`). No unit, an unknown unit or an empty text is
/// not an age; neither is one past a century.
public struct AgeArgument: Sendable, Equatable, ExpressibleByArgument, CustomStringConvertible {
    public let duration: Duration
    public let description: String

    static let secondsPerUnit: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
    static let longest: Int64 = 100 * 365 * 86_400

    public init?(argument: String) {
        guard let seconds = Self.seconds(argument) else { return nil }
        duration = .seconds(seconds)
        description = argument
    }

    static func seconds(_ text: String) -> Int64? {
        var total: Int64 = 0
        var number: Int64?
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (shifted, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                guard !overflow, shifted + Int64(digit) <= longest else { return nil }
                number = shifted + Int64(digit)
            } else if let unit = secondsPerUnit[character], let count = number {
                let (part, overflow) = count.multipliedReportingOverflow(by: unit)
                guard !overflow, total + part <= longest else { return nil }
                total += part
                number = nil
            } else {
                return nil
            }
        }
        guard number == nil, !text.isEmpty else { return nil }
        return total
    }

    /// An age in the units `init(argument:)` reads, largest first but days for weeks (as
    /// retention ages are usually said): 604800 → `7d`, 5400 → `1h30m`.
    public static func text(seconds: Int64) -> String {
        guard seconds > 0 else { return "0s" }
        var left = seconds
        var parts = ""
        for unit in "dhms" {
            let size = secondsPerUnit[unit]!
            if left >= size {
                parts += "\(left / size)\(unit)"
                left %= size
            }
        }
        return parts
    }

    public static var defaultCompletionKind: CompletionKind { .default }
}
