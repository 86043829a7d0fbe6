import Foundation
import IlluminatiTestSupport
import Testing

/// The in-process servers of the tests answer on threads of their own: while other tests hold
/// every cooperative thread with blocking work, a request to the shared fixture still gets its
/// answer (on the global executor it would wait for them and time out).
@Suite(.tags(.database)) struct ServerThreadsTests {
    @Test func theFixturesServerAnswersWhileEveryCooperativeThreadIsBlocked() async throws {
        let f = try await fixture()
        let layerID = try #require(f.layerIDs[f.layers[0]])
        let tile = "/api/experiments/\(f.experimentID)/channel_layers/\(layerID)/tiles?x=0&y=0&z=0"
        let width = ProcessInfo.processInfo.activeProcessorCount
        let outcome: (allHeld: Bool, status: Int?) = try await onOwnThread {
            let release = DispatchSemaphore(value: 0)
            let holding = Counter()
            for _ in 0..<width {
                Task.detached {
                    holding.add(1)
                    _ = release.wait(timeout: .now() + 300)
                    holding.add(-1)
                }
            }
            defer { for _ in 0..<width { release.signal() } }
            // Other suites' blocking work may hold cooperative threads for a while: the tasks
            // take them as they come free, and the request goes once they hold every one.
            let deadline = Date().addingTimeInterval(240)
            while holding.value < width && Date() < deadline { usleep(1_000) }
            guard holding.value == width else { return (false, nil) }
            return (true, try? RawHTTP.request(port: f.port, method: "GET", target: tile, headers: [:]).status)
        }
        #expect(outcome.allHeld, "the test's tasks never held all \(width) cooperative threads at once within 240 s")
        #expect(!outcome.allHeld || outcome.status == 200, "the tile was not answered while the cooperative threads were held")
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add(_ n: Int) { lock.withLock { count += n } }
}
