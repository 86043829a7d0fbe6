import Foundation
import IlluminatiPostgres
import IlluminatiTestSupport
import Testing

@Suite(.serialized, .tags(.database, .process)) struct EmbeddedClusterTests {
    @Test func startsReusesAndStopsWithTheLastUser() throws {
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        let first = try EmbeddedCluster(stateDirectory: state.path + "/state")
        try first.start()
        #expect(try first.isRunning())
        let db = try DatabaseConnection(conninfo: first.conninfo)
        try db.execute("CREATE TABLE kept (v text)", name: "create")
        try db.execute("INSERT INTO kept VALUES ('still here')", name: "insert")

        // A second user joins the running server; the first leaving does not stop it.
        let second = try EmbeddedCluster(stateDirectory: state.path + "/state")
        try second.start()
        first.release()
        #expect(try second.isRunning())
        second.release()
        #expect(try !second.isRunning())
        #expect(!FileManager.default.fileExists(atPath: second.dataDirectory + "/postmaster.pid"))

        // Started again, it reuses the data.
        let third = try EmbeddedCluster(stateDirectory: state.path + "/state")
        try third.start()
        defer { third.release() }
        let again = try DatabaseConnection(conninfo: third.conninfo)
        #expect(try again.execute("SELECT v FROM kept", name: "select").one().string("v") == "still here")
    }

    @Test func isSocketOnlyAndUsesAShortSocketPathForDeepStateFolders() throws {
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        let deep = state.path + "/" + String(repeating: "deeply-nested-folder/", count: 5) + "state"
        let cluster = try EmbeddedCluster(stateDirectory: deep)
        try cluster.start()
        defer { cluster.release() }
        #expect(cluster.socketDirectory.utf8.count < 90)
        let db = try DatabaseConnection(conninfo: cluster.conninfo)
        #expect(try db.execute("SHOW listen_addresses", name: "show").one().string("listen_addresses") == "")
    }
}
