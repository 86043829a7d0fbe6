import Foundation
@testable import IlluminatiPostgres
import IlluminatiProcess
import IlluminatiTestSupport
import Testing

/// The private cluster on a shared machine: its socket is reachable by its own user only, and
/// nothing other local users can plant in /tmp or /var/tmp is followed, chowned or used.
@Suite(.serialized, .tags(.database, .process)) struct ClusterSecurityTests {
    static let runningAsRoot = getuid() == 0

    /// A state folder deep enough that the socket moves to /tmp.
    static func deepStateFolder(in base: String) -> String {
        base + "/" + String(repeating: "deeply-nested-folder/", count: 5) + "state"
    }

    @Test func theSocketFolderIsPrivateToTheServerUser() throws {
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        for stateDirectory in [state.path + "/short", Self.deepStateFolder(in: state.path)] {
            let cluster = try EmbeddedCluster(stateDirectory: stateDirectory)
            try cluster.start()
            defer { cluster.release() }
            let server = Self.runningAsRoot ? getpwnam("postgres")!.pointee.pw_uid : getuid()
            for folder in [cluster.socketDirectory, cluster.root] {
                var status = stat()
                #expect(lstat(folder, &status) == 0)
                #expect(status.st_mode & 0o777 == 0o700, "\(folder) has mode \(String(status.st_mode & 0o777, radix: 8))")
                #expect(status.st_uid == server, "\(folder)")
            }
            var socket = stat()
            #expect(stat(cluster.socketDirectory + "/.s.PGSQL.5432", &socket) == 0)
            #expect(socket.st_mode & 0o077 == 0, "the socket itself admits only its owner")
        }
    }

    @Test func aNewStateFolderIsPrivate() throws {
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        let stateDirectory = state.path + "/made/here"
        let cluster = try EmbeddedCluster(stateDirectory: stateDirectory)
        try cluster.start()
        cluster.release()
        var status = stat()
        #expect(stat(stateDirectory, &status) == 0)
        // Root's server user must pass through to its own folder, and may do no more.
        #expect(status.st_mode & 0o777 == (Self.runningAsRoot ? 0o711 : 0o700))
    }

    @Test(.enabled(if: runningAsRoot, "needs root to act as another local user"))
    func anotherLocalUserCannotConnect() throws {
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        let cluster = try EmbeddedCluster(stateDirectory: Self.deepStateFolder(in: state.path))
        try cluster.start()
        defer { cluster.release() }
        #expect(cluster.socketDirectory.hasPrefix("/tmp/"))
        let psql = try EmbeddedCluster.findBinDirectory() + "/psql"
        func connect(as user: String) -> (status: Int32, output: String) {
            let output = state.file("psql-\(user).out")
            // From /: the test's own folder may be one the other user cannot enter (a `mktemp -d` checkout).
            let outcome = try? ProcessRunner.run("/usr/sbin/runuser", ["-u", user, "--", "/usr/bin/env", "-C", "/",
                                                                      psql, "-h", cluster.socketDirectory,
                                                                      "-U", "postgres", "-d", "postgres", "-Atc", "SELECT 1"],
                                                 outputFile: output)
            return (outcome?.status ?? -1, outcome?.output ?? "")
        }
        // The same command works for the server user, so a refusal below is the folder's doing.
        let owner = connect(as: "postgres")
        #expect(owner.status == 0 && owner.output == "1", "\(owner.output)")
        let stranger = connect(as: "nobody")
        #expect(stranger.status != 0)
        #expect(stranger.output.contains(".s.PGSQL.5432\" failed: Permission denied"), "\(stranger.output)")
    }

    @Test(.enabled(if: runningAsRoot, "the /var/tmp fallback is for root only"))
    func rootInAPrivateFolderKeepsTheClusterUnderVarTmp() throws {
        let home = TemporaryDirectory.make(prefix: "illuminati-private", mode: 0o700).path
        let stateDirectory = home + "/checkout/.illuminati"
        let fallback = EmbeddedCluster.fallbackRoot(for: stateDirectory)
        defer { try? FileManager.default.removeItem(atPath: fallback) }
        let cluster = try EmbeddedCluster(stateDirectory: stateDirectory)
        try cluster.start()
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: stateDirectory + "/postgres") == fallback)
        let db = try DatabaseConnection(conninfo: cluster.conninfo)
        #expect(try db.execute("SELECT 1 AS one", name: "one").one().string("one") == "1")
        cluster.release()
        #expect(try !cluster.isRunning())

        // A second process finds the cluster through the link.
        let again = try EmbeddedCluster(stateDirectory: stateDirectory)
        try again.start()
        #expect(again.root == fallback)
        again.release()
    }

    @Test(.enabled(if: runningAsRoot, "the /var/tmp fallback is for root only"))
    func aLinkPlantedInVarTmpIsRefusedNotFollowed() throws {
        let home = TemporaryDirectory.make(prefix: "illuminati-private", mode: 0o700).path
        let victim = TemporaryDirectory.make(prefix: "illuminati-victim")
        defer { victim.remove() }
        let stateDirectory = home + "/.illuminati"
        let fallback = EmbeddedCluster.fallbackRoot(for: stateDirectory)
        try? FileManager.default.removeItem(atPath: fallback)
        #expect(symlink(victim.path, fallback) == 0)
        defer { unlink(fallback) }

        #expect(throws: DatabaseError.self) { try EmbeddedCluster(stateDirectory: stateDirectory).start() }
        var status = stat()
        #expect(stat(victim.path, &status) == 0)
        #expect(status.st_uid == 0 && status.st_mode & 0o777 == 0o755, "the link's target must be left as it was")
        #expect(try FileManager.default.contentsOfDirectory(atPath: victim.path).isEmpty)
    }

    @Test func aLinkOrAForeignFolderAtTheSocketPathIsRefused() throws {
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        let victim = TemporaryDirectory.make(prefix: "illuminati-victim")
        defer { victim.remove() }
        let stateDirectory = Self.deepStateFolder(in: state.path)
        let socketFolder = EmbeddedCluster.shortSocketDirectory(for: URL(fileURLWithPath: stateDirectory).standardizedFileURL.path)
        #expect(symlink(victim.path, socketFolder) == 0)
        let linked = #expect(throws: DatabaseError.self) { try EmbeddedCluster(stateDirectory: stateDirectory).start() }
        #expect(linked?.description.contains("refusing \(socketFolder)") == true, "\(String(describing: linked))")
        unlink(socketFolder)
        var status = stat()
        #expect(stat(victim.path, &status) == 0 && status.st_mode & 0o777 == 0o755)

        if Self.runningAsRoot {
            // A folder made first by another user is not ours to use.
            #expect(mkdir(socketFolder, 0o777) == 0)
            defer { rmdir(socketFolder) }
            #expect(chown(socketFolder, getpwnam("nobody")!.pointee.pw_uid, getpwnam("nobody")!.pointee.pw_gid) == 0)
            let squatted = #expect(throws: DatabaseError.self) { try EmbeddedCluster(stateDirectory: stateDirectory).start() }
            #expect(squatted?.description.contains("belongs to nobody") == true, "\(String(describing: squatted))")
        }
    }

    @Test func aStateFolderLinkToAnywhereElseIsRefused() throws {
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        let elsewhere = TemporaryDirectory.make(prefix: "illuminati-elsewhere")
        defer { elsewhere.remove() }
        try FileManager.default.createDirectory(atPath: state.path + "/state", withIntermediateDirectories: true)
        #expect(symlink(elsewhere.path, state.path + "/state/postgres") == 0)
        let refused = #expect(throws: DatabaseError.self) { try EmbeddedCluster(stateDirectory: state.path + "/state").start() }
        #expect(refused?.description.contains("illuminati did not make that link") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }

    @Test func aKilledLastUserStillStopsTheServer() throws {
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        let stateDirectory = state.path + "/state"
        // `serve` holds the cluster until it is stopped; SIGKILL leaves it no chance to stop it.
        let server = try Executables.start("illuminati", ["serve", "--port", "0", "--state-dir", stateDirectory])
        let cluster = try EmbeddedCluster(stateDirectory: stateDirectory)
        let pidFile = cluster.dataDirectory + "/postmaster.pid"
        #expect(server.waitForLine(containing: "http://", timeout: .seconds(120)) != nil, "serve did not start")
        #expect(FileManager.default.fileExists(atPath: pidFile))
        server.send(SIGKILL)
        _ = server.finish()
        #expect(waitUntil(.seconds(60)) { !FileManager.default.fileExists(atPath: pidFile) },
                "the private cluster must stop once its last user is gone")
        #expect(try !cluster.isRunning())
    }
}
