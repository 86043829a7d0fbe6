import ArgumentParser
import Foundation
import Logging

/// `--log-level` and `-v`, for every program that logs: `illuminati`'s verbs and `illuminati-worker`.
public struct LogLevelOptions: ParsableArguments {
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical (default: ILLUMINATI_LOG_LEVEL, else notice).")
    public var logLevel: String?

    // TissueMAPS users type -vv: each -v is one step below the default.
    @Flag(name: [.customShort("v"), .customLong("verbosity")],
          help: "Log more: each -v lowers the default level one step (-v info, -vv debug, -vvv trace).")
    public var verbosity: Int

    public init() {}

    public func validate() throws {
        if logLevel != nil && verbosity > 0 {
            throw ValidationError("give --log-level or -v, not both")
        }
        _ = try level(environment: ProcessInfo.processInfo.environment)
    }

    /// The level these options choose (validated before any command runs).
    public var level: Logger.Level { (try? level(environment: ProcessInfo.processInfo.environment)) ?? .notice }

    /// Sets up logging to stderr at `level`, once per process.
    public func bootstrap() { LogSetup.bootstrapOnce(level: level) }

    func level(environment: [String: String]) throws -> Logger.Level {
        let named = logLevel ?? environment["ILLUMINATI_LOG_LEVEL"] ?? Logger.Level.notice.rawValue
        guard let base = Logger.Level(rawValue: named) else { throw ValidationError("unknown log level \(named)") }
        let levels = Logger.Level.allCases
        return levels[max(levels.firstIndex(of: base)! - verbosity, 0)]
    }
}

enum LogSetup {
    nonisolated(unsafe) private static var bootstrapped = false
    private static let lock = NSLock()

    static func bootstrapOnce(level: Logger.Level) {
        lock.lock()
        defer { lock.unlock() }
        guard !bootstrapped else { return }
        bootstrapped = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
