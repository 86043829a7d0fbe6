import IlluminatiCore
@testable import IlluminatiQueue
import Testing

/// Job kinds without a database: payloads in and out of their arguments, and a registry's
/// handler as a claim loop calls it.
@Suite struct JobKindTests {
    struct Tile: JobArgs, Equatable {
        static let kind = "tile"
        var layer: String
        var path: String
        var rows: Range<Int>
    }

    struct Written: Codable, Equatable {
        var bytes: Int
    }

    func claimed(_ spec: JobSpec) -> ClaimedJob {
        ClaimedJob(lease: JobLease(job: 1, attempt: 1, worker: .random()), kind: spec.kind, payload: spec.payload,
                   stage: StageKey(build: 1, layer: "a", stage: 0), maxAttempts: 3, runtimeLimit: .seconds(10),
                   deadline: .now + .seconds(10))
    }

    @Test func argumentsTravelAsTheirKindAndSortedJSONAndComeBackEqual() throws {
        let args = Tile(layer: "DAPI", path: "/data/a b", rows: 2..<5)
        let spec = try JobSpec(args: args, locality: 7)
        #expect(spec.kind == "tile" && spec.locality == 7)
        #expect(spec.payload == #"{"layer":"DAPI","path":"/data/a b","rows":[2,5]}"#)
        #expect(try Tile(payload: spec.payload) == args)
    }

    @Test(arguments: [
        (#"{"layer":"DAPI","path":"/x"}"#, #"cannot be read: missing key "rows""#),
        (#"{"layer":"DAPI","path":"/x","rows":"2..5"}"#, "cannot be read: rows: Expected to decode"),
        (#"{"layer":"#, "not valid JSON"),
    ])
    func aPayloadThatDoesNotDecodeIsAPermanentErrorNamingTheKind(payload: String, problem: String) {
        #expect {
            try Tile(payload: payload)
        } throws: { error in
            let message = "\(error)"
            return ErrorClass(of: error) == .badInput && message.hasPrefix("the payload of a job of kind 'tile' cannot be read: ")
                && message.contains(problem)
        }
    }

    @Test func aRegisteredHandlerGetsTheArgumentsAndItsResultIsKeptAsJSON() async throws {
        var kinds = JobKinds()
        kinds.register(Tile.self) { args, _, _ in Written(bytes: args.rows.count * 100) }
        #expect(kinds.names == ["tile"])
        let handler = try #require(kinds.handler(for: "tile"))
        let spec = try JobSpec(args: Tile(layer: "DAPI", path: "/x", rows: 0..<3))
        #expect(try await handler(claimed(spec), JobContext()) == #"{"bytes":300}"#)
        await #expect(throws: PermanentJobError.self) {
            try await handler(claimed(JobSpec(kind: "tile", payload: "[]")), JobContext())
        }
        #expect(kinds.handler(for: "render") == nil)
    }

    @Test func aroundRunsOnceAroundEveryHandlerAndKeepsItsResult() async throws {
        struct Quiet: JobArgs { static let kind = "quiet" }
        let seen = Counter()
        var kinds = JobKinds()
        kinds.register(Tile.self) { _, _, _ in Written(bytes: 1) }
        kinds.register(Quiet.self) { _, _, _ in }
        let counted = kinds.around { _, next in
            seen.add(1)
            try await next()
        }
        #expect(counted.names == ["quiet", "tile"])
        let tile = try JobSpec(args: Tile(layer: "a", path: "b", rows: 0..<1))
        #expect(try await counted.handler(for: "tile")!(claimed(tile), JobContext()) == #"{"bytes":1}"#)
        #expect(try await counted.handler(for: "quiet")!(claimed(JobSpec(kind: "quiet")), JobContext()) == nil)
        #expect(seen.value == 2)
    }
}
