import Foundation
import IlluminatiCore
import Testing
@testable import IlluminatiPyramid

@Suite("DeepZoom layout, TissueMAPS addresses and planning")
struct LayoutAndPlanTests {
    @Test("TissueMAPS levels are DeepZoom levels shifted by zOffset (§2.1 vectors)",
          arguments: [(100, 100, 7, 2), (256, 256, 8, 2), (257, 256, 9, 2), (512, 512, 9, 2), (513, 100, 10, 3),
                      (2000, 4500, 13, 6), (2160, 2560, 12, 5), (10000, 10000, 14, 7), (30000, 60000, 16, 9)])
    func levels(height: Int, width: Int, maxLevel: Int, depth: Int) throws {
        let geometry = PyramidGeometry(baseSize: PixelSize(height: height, width: width))
        let layout = try PyramidLayout(geometry: geometry)
        #expect(layout.maxLevel == maxLevel)
        #expect(layout.tissueMAPSDepth == depth)
        #expect(layout.zOffset == maxLevel - depth + 1)
        #expect(layout.size(level: 0) == PixelSize(height: 1, width: 1))
        #expect(layout.size(level: maxLevel) == PixelSize(height: height, width: width))
        for (z, level) in geometry.levels.enumerated() {
            #expect(layout.size(level: z + layout.zOffset) == level.size, "z \(z)")
            #expect(layout.tiles(level: z + layout.zOffset) == level.tiles, "z \(z)")
            #expect(layout.tissueMAPSZ(level: z + layout.zOffset) == z)
        }
        #expect(layout.tissueMAPSZ(level: layout.zOffset - 1) == nil)
    }

    @Test("TissueMAPS tile (z, x, y) → DeepZoom tile (§1.5 pyramid)")
    func tileAddresses() throws {
        let layout = try PyramidLayout(baseSize: PixelSize(height: 2000, width: 4500))
        #expect(layout.zOffset == 8)
        #expect(layout.deepZoomTile(z: 5, x: 17, y: 7) == TileAddress(level: 13, row: 7, column: 17))
        #expect(layout.deepZoomTile(z: 3, x: 4, y: 1) == TileAddress(level: 11, row: 1, column: 4))
        #expect(layout.deepZoomTile(z: 0, x: 0, y: 0) == TileAddress(level: 8, row: 0, column: 0))
        #expect(layout.deepZoomTile(z: 5, x: 18, y: 0) == nil)
        #expect(layout.deepZoomTile(z: 5, x: 0, y: 8) == nil)
        #expect(layout.deepZoomTile(z: 6, x: 0, y: 0) == nil)
        #expect(layout.deepZoomTile(z: -1, x: 0, y: 0) == nil)
        // Edge tiles end at the level's border (TissueMAPS padded them from its grid, §2.4).
        #expect(layout.pixelRect(of: TileAddress(level: 11, row: 1, column: 4)) == PixelRect(y: 256, x: 1024, height: 244, width: 101))
        #expect(throws: PyramidError.self) { try PyramidLayout(geometry: PyramidGeometry(baseSize: PixelSize(height: 9, width: 9), zoomFactor: 3)) }
    }

    @Test("tile blocks halve with the end rounded up")
    func blockHalving() throws {
        let block = TileBlock(level: 13, rows: 0..<8, columns: 16..<18)
        #expect(block.coarser(by: 1) == TileBlock(level: 12, rows: 0..<4, columns: 8..<9))
        #expect(block.coarser(by: 3) == TileBlock(level: 10, rows: 0..<1, columns: 2..<3))
        #expect(TileBlock(level: 5, rows: 3..<5, columns: 0..<7).coarser(by: 1) == TileBlock(level: 4, rows: 1..<3, columns: 0..<4))
        #expect(block.tileCount == 16 && block.tiles.first == TileAddress(level: 13, row: 0, column: 16))
        let layout = try PyramidLayout(baseSize: PixelSize(height: 2000, width: 4500))
        #expect(layout.pixelRect(of: block) == PixelRect(y: 0, x: 4096, height: 2000, width: 404))
        #expect(layout.pixelRect(of: block.coarser(by: 3)) == PixelRect(y: 0, x: 512, height: 250, width: 51))
        #expect(try PyramidPlanner.plan(geometry: PyramidGeometry(baseSize: PixelSize(height: 2000, width: 4500)), batchSize: 64,
                                        content: tissueMAPSSites, layer: "DAPI")
                == PyramidPlanner.plan(layout: layout, batchSize: 64, content: tissueMAPSSites, layer: "DAPI"))
    }

    @Test("block sides for batch sizes")
    func blockSides() {
        let sides = [1, 3, 4, 15, 16, 63, 64, 100, 255, 256].map(PyramidPlanner.blockSide(batchSize:))
        #expect(sides == [1, 1, 2, 2, 4, 4, 8, 8, 8, 16])
    }

    /// The §1.5 experiment: two wells of 2×2 sites of 1000×1000.
    private var tissueMAPSSites: [PixelRect] {
        [(0, 0), (0, 1000), (1000, 0), (1000, 1000), (0, 2500), (0, 3500), (1000, 2500), (1000, 3500)]
            .map { PixelRect(y: $0.0, x: $0.1, height: 1000, width: 1000) }
    }

    @Test("plan of the §1.5 pyramid with 8×8-tile jobs")
    func planVector() throws {
        let layout = try PyramidLayout(baseSize: PixelSize(height: 2000, width: 4500))
        let stages = PyramidPlanner.plan(layout: layout, batchSize: 64, content: tissueMAPSSites, layer: "DAPI")
        #expect(stages.count == 2)
        #expect(stages[0].jobs.map(\.block) == [
            TileBlock(level: 13, rows: 0..<8, columns: 0..<8),
            TileBlock(level: 13, rows: 0..<8, columns: 8..<16),
            TileBlock(level: 13, rows: 0..<8, columns: 16..<18),
        ])
        #expect(stages[0].jobs.allSatisfy { $0.levels == 4 && $0.writesIntermediate && $0.inputs.isEmpty && $0.stage == 0 })
        let last = try #require(stages[1].jobs.first)
        #expect(stages[1].jobs.count == 1)
        #expect(last.block == TileBlock(level: 9, rows: 0..<1, columns: 0..<2))
        #expect(last.levels == 10 && last.coarsestLevel == 0 && !last.writesIntermediate)
        #expect(last.inputs == [TileAddress(level: 10, row: 0, column: 0), TileAddress(level: 10, row: 0, column: 1),
                                TileAddress(level: 10, row: 0, column: 2)])

        // Jobs travel as JSON.
        let data = try JSONEncoder().encode(stages)
        #expect(try JSONDecoder().decode([PyramidStage].self, from: data) == stages)
        let json = String(decoding: try JSONEncoder().encode(last.block), as: UTF8.self)
        #expect(json.contains("\"rows\":[0,1]"))

        // Only one well imaged: the right-hand blocks have no job.
        let oneWell = PyramidPlanner.plan(layout: layout, batchSize: 64, content: Array(tissueMAPSSites.prefix(4)), layer: "DAPI")
        #expect(oneWell[0].jobs.map(\.block.columns) == [0..<8])
        #expect(oneWell[1].jobs[0].inputs == [TileAddress(level: 10, row: 0, column: 0)])
        #expect(PyramidPlanner.plan(layout: layout, batchSize: 64, content: [], layer: "x").allSatisfy { $0.jobs.isEmpty })
    }

    @Test("every tile of every level is rendered by exactly one job", arguments: [1, 4, 16, 64, 1000])
    func coverage(batchSize: Int) throws {
        let layout = try PyramidLayout(baseSize: PixelSize(height: 2000, width: 4500))
        let stages = PyramidPlanner.plan(layout: layout, batchSize: batchSize,
                                         content: [PixelRect(y: 0, x: 0, height: 2000, width: 4500)], layer: "L")
        var owner: [TileAddress: Int] = [:]
        var written: Set<TileAddress> = []
        for (stageIndex, stage) in stages.enumerated() {
            for (index, job) in stage.jobs.enumerated() {
                #expect(job.stage == stageIndex)
                try PyramidRenderer.validate(job, layout)
                for step in 0..<job.levels {
                    for tile in job.block.coarser(by: step).tiles {
                        #expect(owner[tile] == nil, "tile \(tile) twice")
                        owner[tile] = stageIndex * 100_000 + index
                    }
                }
                // Inputs are exactly what the previous stage left.
                for input in job.inputs { #expect(written.contains(input)) }
                if job.writesIntermediate { written.formUnion(job.coarsestBlock.tiles) }
            }
        }
        for level in 0...layout.maxLevel {
            let grid = layout.tiles(level: level)
            for row in 0..<grid.rows {
                for column in 0..<grid.columns {
                    #expect(owner[TileAddress(level: level, row: row, column: column)] != nil, "level \(level) (\(row), \(column))")
                }
            }
        }
        #expect(owner.count == (0...layout.maxLevel).map { layout.tiles(level: $0).count }.reduce(0, +))
    }
}
