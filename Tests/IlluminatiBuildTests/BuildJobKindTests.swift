@testable import IlluminatiBuild
import IlluminatiCore
import IlluminatiPyramid
import IlluminatiQueue
import Testing

/// The build's job kinds: their names, and payloads as the queue has always stored them (rows
/// and history written before still decode).
@Suite struct BuildJobKindTests {
    @Test func theBuildHasOneKindPerJobAndAWorkerHandlesEach() {
        #expect(BuildJob.kinds.map { $0.kind } == ["illumstats-partial", "illumstats-merge", "pyramid", "layer-finish"])
        let runner = BuildJobRunner(storageRoot: "/nonexistent", conninfo: "")
        #expect(runner.kinds.names == ["illumstats-merge", "illumstats-partial", "layer-finish", "pyramid"])
    }

    @Test func plannedJobsKeepTheirPayloadsAndComeBackEqual() throws {
        let pyramid = PyramidJob(layer: "DAPI_c0", stage: 1, block: TileBlock(level: 7, rows: 2..<4, columns: 0..<2), levels: 2,
                                 inputs: [TileAddress(level: 8, row: 4, column: 1)], writesIntermediate: true)
        let partial = StatisticsPartialJob(channel: "GFP", part: 1, paths: ["/plate/A01/GFP.tif"])
        let merge = StatisticsMergeJob(channel: "GFP", parts: 2)
        let finish = LayerFinishJob(layer: "DAPI_c0")
        let specs = try [BuildJob.pyramid(pyramid), .statisticsPartial(partial), .statisticsMerge(merge), .layerFinish(finish)]
            .map(BuildPlanner.jobSpec)
        #expect(specs.map(\.kind) == ["pyramid", "illumstats-partial", "illumstats-merge", "layer-finish"])
        #expect(specs.map(\.payload) == [
            #"{"block":{"columns":[0,2],"level":7,"rows":[2,4]},"inputs":[{"column":1,"level":8,"row":4}],"layer":"DAPI_c0","levels":2,"stage":1,"writesIntermediate":true}"#,
            #"{"channel":"GFP","part":1,"paths":["/plate/A01/GFP.tif"]}"#,
            #"{"channel":"GFP","parts":2}"#,
            #"{"layer":"DAPI_c0"}"#,
        ])
        #expect(specs.map(\.locality) == [Int64(bitPattern: BuildPlanner.mortonCode(row: 2, column: 0)), 1, 0, 0])
        #expect(try PyramidJob(payload: specs[0].payload) == pyramid)
        #expect(try StatisticsPartialJob(payload: specs[1].payload) == partial)
        #expect(try StatisticsMergeJob(payload: specs[2].payload) == merge)
        #expect(try LayerFinishJob(payload: specs[3].payload) == finish)
    }
}
