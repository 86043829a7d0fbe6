/// A runtime limit as `HH:MM:SS`, the form `submit --duration` takes (as TissueMAPS' did) and
/// errors show: hours of one digit or more, minutes and seconds of two digits
/// each, below 60.
public enum ClockDuration {
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var text: String
        public init(text: String) { self.text = text }
        public var description: String {
            "\(text.debugDescription) is not a duration: write HH:MM:SS (e.g. 01:30:00), minutes and seconds below 60, "
                + "more than 00:00:00"
        }
    }

    /// A positive whole number of seconds.
    public static func parse(_ text: String) throws -> Duration {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts[1].count == 2, parts[2].count == 2,
              let hours = Int64(parts[0]), let minutes = Int64(parts[1]), let seconds = Int64(parts[2]),
              minutes < 60, seconds < 60, hours <= Int64(Int32.max) / 3600 else {
            throw Invalid(text: text)
        }
        let total = hours * 3600 + minutes * 60 + seconds
        guard total > 0 else { throw Invalid(text: text) }
        return .seconds(total)
    }

    /// `HH:MM:SS`, with milliseconds (`.mmm`) when the duration is not whole seconds (a limit
    /// set through the library rather than the command line).
    public static func format(_ duration: Duration) -> String {
        // Rounded to the millisecond: a limit read back from PostgreSQL as float seconds is not exact.
        let all = max(Int64((duration / .milliseconds(1)).rounded()), 0)
        let total = all / 1000, milliseconds = all % 1000
        func pad(_ value: Int64, _ width: Int) -> String {
            String(repeating: "0", count: max(width - String(value).count, 0)) + String(value)
        }
        let clock = "\(pad(total / 3600, 2)):\(pad(total / 60 % 60, 2)):\(pad(total % 60, 2))"
        return milliseconds == 0 ? clock : clock + "." + pad(milliseconds, 3)
    }
}
