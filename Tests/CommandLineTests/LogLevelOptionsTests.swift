@testable import IlluminatiCommandLine
import Logging
import Testing

struct LogLevelOptionsTests {
    private func level(_ arguments: [String], environment: [String: String] = [:]) throws -> Logger.Level {
        try LogLevelOptions.parse(arguments).level(environment: environment)
    }

    @Test func eachVLowersTheDefaultOneStep() throws {
        #expect(try level([]) == .notice)
        #expect(try level(["-v"]) == .info)
        #expect(try level(["-vv"]) == .debug)
        #expect(try level(["--verbosity", "-v", "--verbosity"]) == .trace)
        #expect(try level(["-vvvvv"]) == .trace, "never below trace")
    }

    @Test func theDefaultComesFromTheEnvironment() throws {
        #expect(try level([], environment: ["ILLUMINATI_LOG_LEVEL": "error"]) == .error)
        #expect(try level(["-v"], environment: ["ILLUMINATI_LOG_LEVEL": "warning"]) == .notice)
        #expect(try level(["--log-level", "debug"], environment: ["ILLUMINATI_LOG_LEVEL": "error"]) == .debug)
    }

    @Test func logLevelAndVTogetherAreRefused() {
        #expect(refusal(["--log-level", "info", "-v"]) == "give --log-level or -v, not both")
    }

    @Test func anUnknownLevelIsRefused() {
        #expect(refusal(["--log-level", "loud"]) == "unknown log level loud")
    }

    private func refusal(_ arguments: [String]) -> String? {
        do {
            _ = try LogLevelOptions.parse(arguments)
            return nil
        } catch {
            return LogLevelOptions.message(for: error)
        }
    }
}
