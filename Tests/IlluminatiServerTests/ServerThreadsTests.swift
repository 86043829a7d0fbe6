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
        let status: Int? = try await onOwnThread {
            let release = DispatchSemaphore(value: 0)
            let started = Counter()
            for _ in 0..<width {
                Task.detached {
                    started.increment()
                    _ = release.wait(timeout: .now() + 60)
                }
            }
            let deadline = Date().addingTimeInterval(20)
            while started.value < width && Date() < deadline { usleep(1_000) }
            defer { for _ in 0..<width { release.signal() } }
            guard started.value == width else { return nil }
            return try RawHTTP.request(port: f.port, method: "GET", target: tile, headers: [:]).status
        }
        #expect(status == 200, "the tile was not answered while the cooperative threads were held")
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
