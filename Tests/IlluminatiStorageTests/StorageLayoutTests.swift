import IlluminatiCore
import IlluminatiStorage
import Testing

/// The paths every node, the server and `illuminati pyramid` agree on, spelled out: a change
/// here moves files that existing builds and viewers look for.
@Suite("Storage layout paths")
struct StorageLayoutTests {
    @Test func layerFiles() {
        let layer = LayerLayout("DAPI_c0")
        #expect(layer.deepZoom == "DAPI_c0.dzi")
        #expect(layer.descriptor == "DAPI_c0.json")
        #expect(layer.tilesFolder == "DAPI_c0_files")
        #expect(layer.levelFolder(11) == "DAPI_c0_files/11")
        #expect(layer.tile(TileAddress(level: 11, row: 3, column: 7)) == "DAPI_c0_files/11/7_3.jpg")
        #expect(layer.blankTile == "DAPI_c0_files/blank.jpg")
        #expect(layer.intermediatesFolder == "DAPI_c0_intermediate")
        #expect(layer.intermediateLevelFolder(10) == "DAPI_c0_intermediate/10")
        #expect(layer.intermediate(TileAddress(level: 10, row: 2, column: 5)) == "DAPI_c0_intermediate/10/5_2.fx16")
        #expect(LayerDocument.allCases.map { layer.path(of: $0, .dzi) } == ["DAPI_c0.dzi", "DAPI_c0_files/blank.jpg", "DAPI_c0.json"])
    }

    @Test func shardFiles() {
        let layer = LayerLayout("DAPI_c0")
        #expect(layer.shardsFolder == "DAPI_c0_shards")
        #expect(layer.shard(job: "11/8_0") == "DAPI_c0_shards/11-8_0.zip")
        #expect(layer.shard(job: "job") == "DAPI_c0_shards/job.zip")
        for refused in ["", ".hidden", "/11/0_0", "a b", "a\\b", "é"] { #expect(layer.shard(job: refused) == nil, "\(refused)") }
        #expect(LayerDocument.allCases.map { layer.path(of: $0, .shards) } == ["DAPI_c0.dzi", "DAPI_c0_shards/blank.jpg", "DAPI_c0.json"])
        let tile = TileAddress(level: 11, row: 3, column: 7)
        #expect(LayerLayout.shardEntry(tile) == "11/7_3.jpg")
        #expect(LayerLayout.tile(shardEntry: "11/7_3.jpg") == tile)
        for other in ["11/7_3.jpeg", "11/7-3.jpg", "7_3.jpg", "a/11/7_3.jpg", "11/7_3_1.jpg", "-1/7_3.jpg", "11/_3.jpg",
                      "1234567890/0_0.jpg", "blank.jpg"] {
            #expect(LayerLayout.tile(shardEntry: other[...]) == nil, "\(other)")
        }
    }

    @Test func statistics() {
        #expect(ExperimentLayout.statisticsFolder == "illumstats")
        #expect(ExperimentLayout.statistics(channel: "GFP") == "illumstats/GFP.illumstats")
        #expect(ExperimentLayout.partialStatisticsFolder(channel: "GFP") == "illumstats/partial/GFP")
        #expect(ExperimentLayout.partialStatistics(channel: "GFP", part: 7) == "illumstats/partial/GFP/00007.illumstats")
        #expect(ExperimentLayout.partialStatistics(channel: "GFP", part: 123_456) == "illumstats/partial/GFP/123456.illumstats")
    }

    @Test func experimentFolders() {
        let shared = ExperimentStorage(root: "/mnt/shared/", experiment: "plate1")
        #expect(shared.directory == "/mnt/shared/plate1")
        #expect(shared.path(LayerLayout("GFP").tile(TileAddress(level: 0, row: 0, column: 0))) == "/mnt/shared/plate1/GFP_files/0/0_0.jpg")
        #expect(shared.statisticsPath(channel: "GFP") == "/mnt/shared/plate1/illumstats/GFP.illumstats")
        #expect(shared.partialStatisticsPath(channel: "GFP", part: 2) == "/mnt/shared/plate1/illumstats/partial/GFP/00002.illumstats")
        #expect(ExperimentStorage(root: "/", experiment: "plate1").directory == "/plate1")
        #expect(ExperimentStorage(directory: "/out/").directory == "/out")
        #expect(ExperimentStorage(directory: "/out/").path("GFP.dzi") == "/out/GFP.dzi")
        #expect(StorageRoot(option: "/mnt/shared", environment: [:], stateDirectory: nil)?.experiment("plate1") == shared)
    }

    @Test func pathsInsideTheFolderAreKeptRelative() {
        let storage = ExperimentStorage(root: "/srv/storage", experiment: "plate")
        #expect(storage.relativePath(of: "/srv/storage/plate/illumstats/DAPI.illumstats") == "illumstats/DAPI.illumstats")
        #expect(storage.relativePath(of: "/srv/storage/plate2/illumstats/DAPI.illumstats") == nil)
        #expect(storage.relativePath(of: "/data/DAPI.illumstats") == nil)
    }

    @Test func rootComesFromTheOptionThenTheEnvironmentThenTheStateFolder() throws {
        let environment = [StorageRoot.environmentVariable: "/mnt/env"]
        let chosen = try #require(StorageRoot(option: "/mnt/option/", environment: environment, stateDirectory: "/state"))
        #expect(chosen.path == "/mnt/option" && !chosen.isDefault)
        let fromEnvironment = try #require(StorageRoot(option: nil, environment: environment, stateDirectory: "/state"))
        #expect(fromEnvironment.path == "/mnt/env" && !fromEnvironment.isDefault)
        let byDefault = try #require(StorageRoot(option: nil, environment: [:], stateDirectory: "/state/./x/.."))
        #expect(byDefault.path == "/state/storage" && byDefault.isDefault)
        let relative = try #require(StorageRoot(option: "shared", environment: [:], stateDirectory: nil))
        #expect(relative.path.hasPrefix("/") && relative.path.hasSuffix("/shared"))
        #expect(StorageRoot(option: nil, environment: [:], stateDirectory: nil) == nil)
        #expect(StorageRoot(option: "", environment: [:], stateDirectory: "/state") == nil)
    }
}
