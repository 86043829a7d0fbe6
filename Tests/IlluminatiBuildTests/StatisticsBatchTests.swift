import IlluminatiBuild
import Testing

@Suite struct StatisticsBatchTests {
    @Test func batchesAreBalancedAndCoverEveryImageOnce() {
        #expect(BuildPlanner.statisticsBatches(100, batchSize: 100) == [0..<25, 25..<50, 50..<75, 75..<100])
        #expect(BuildPlanner.statisticsBatches(33, batchSize: 100) == [0..<16, 16..<33])
        #expect(BuildPlanner.statisticsBatches(32, batchSize: 100) == [0..<32])
        #expect(BuildPlanner.statisticsBatches(10, batchSize: 4) == [0..<3, 3..<6, 6..<10])
        #expect(BuildPlanner.statisticsBatches(1, batchSize: 1) == [0..<1])
        #expect(BuildPlanner.statisticsBatches(0, batchSize: 100) == [])
        for count in 1...200 {
            for batch in [1, 7, 32, 100] {
                let ranges = BuildPlanner.statisticsBatches(count, batchSize: batch)
                #expect(ranges.flatMap { Array($0) } == Array(0..<count))
                #expect(ranges.allSatisfy { $0.count <= min(batch, BuildPlanner.statisticsImagesPerJob) })
                let sizes = ranges.map(\.count)
                #expect(sizes.max()! - sizes.min()! <= 1)
            }
        }
    }
}
