import Foundation
import Testing

/// The test lanes. A suite that needs more than the CPU carries the tags of what it needs;
/// an untagged suite is pure (no PostgreSQL, no child process, no browser) and runs in
/// `make test-fast`. `scripts/test-lane` reads these tags from the suites' `@Suite(...)`
/// attributes to pick the suites of a lane.
extension Tag {
    /// Uses PostgreSQL: a `TestDatabase`, or a cluster of its own.
    @Tag public static var database: Self
    /// Starts child processes: the package's executables, PostgreSQL's server programs.
    @Tag public static var process: Self
    /// Drives headless Chromium through chromedriver.
    @Tag public static var browser: Self
}

/// What the running lane allows. `scripts/test-lane pure` sets ILLUMINATI_TEST_LANE=pure, and
/// then the test support refuses PostgreSQL and child processes: an untagged suite that needs
/// them fails in the fast lane instead of slowing it down or passing there by chance.
public enum TestLane {
    public static var isPure: Bool { ProcessInfo.processInfo.environment["ILLUMINATI_TEST_LANE"] == "pure" }

    static func require(_ tag: String, for what: String) throws {
        guard isPure else { return }
        throw TestSupportError("\(what) in the pure lane (make test-fast): tag the suite `.\(tag)` "
                               + "(@Suite(.tags(.\(tag)))) so that it runs in its own lane")
    }
}
