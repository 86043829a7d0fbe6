import CClusterWatch
import Foundation
import IlluminatiProcess
import Logging

/// A private PostgreSQL cluster under the state folder, for running with no database
/// configured: created on first use (initdb), started on demand (socket only, no TCP), and
/// stopped by the last process that used it. When running as root the server runs as the
/// `postgres` system user, because initdb refuses root.
public final class EmbeddedCluster: @unchecked Sendable {
    public let stateDirectory: String
    public let databaseName: String
    /// Where data, lock files and logs live: `<state>/postgres`, or, when the postgres user
    /// cannot reach the state folder, a folder under /var/tmp that `<state>/postgres` links to.
    public private(set) var root: String
    public private(set) var socketDirectory: String
    public var dataDirectory: String { root + "/data" }
    public var serverLog: String { dataDirectory + "/server.log" }
    public let port = 5432

    private let binDirectory: String
    private let logger: Logger
    private var userLock: Int32 = -1

    private static let serverUser = "postgres"
    private var isRoot: Bool { getuid() == 0 }

    public init(stateDirectory: String, databaseName: String = "illuminati",
                logger: Logger = Logger(label: "illuminati.cluster")) throws {
        self.stateDirectory = URL(fileURLWithPath: stateDirectory).standardizedFileURL.path
        self.databaseName = databaseName
        self.logger = logger
        self.binDirectory = try Self.findBinDirectory()
        self.root = self.stateDirectory + "/postgres"
        self.socketDirectory = root + "/run"
        resolvePaths()
    }

    /// Follows `<state>/postgres` if it links to its folder under /var/tmp, and moves the socket
    /// to /tmp when its path would be too long (Unix socket paths are limited to 107 bytes).
    private func resolvePaths() {
        let link = stateDirectory + "/postgres"
        root = PrivateFolder.isLink(link) ? Self.fallbackRoot(for: stateDirectory) : link
        socketDirectory = root + "/run"
        if (socketDirectory + "/.s.PGSQL.\(port)").utf8.count > 100 {
            socketDirectory = Self.shortSocketDirectory(for: stateDirectory)
        }
    }

    /// Where the cluster lives when the server user cannot reach the state folder (root in a
    /// private folder such as /root or a `mktemp -d` folder).
    static func fallbackRoot(for stateDirectory: String) -> String {
        "/var/tmp/illuminati-postgres-\(shortHash(stateDirectory))"
    }

    /// The socket folder for state folders whose socket path would be too long.
    static func shortSocketDirectory(for stateDirectory: String) -> String {
        "/tmp/illuminati-\(shortHash(stateDirectory))"
    }

    /// libpq connection string for the cluster's database.
    public var conninfo: String { conninfo(database: databaseName) }

    public func conninfo(database: String) -> String {
        "host=\(socketDirectory) port=\(port) user=\(Self.serverUser) dbname=\(database)"
    }

    /// Creates the cluster if needed, starts it if it is not running, creates the database,
    /// and registers this process as a user until `release()`.
    public func start() throws {
        try prepareDirectories()
        try withFileLock(root + "/setup.lock") {
            // Registered as a user before looking at the server, so that a process leaving at
            // this moment cannot stop the server we are about to use.
            if userLock < 0 {
                userLock = open(root + "/users.lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
                guard userLock >= 0, flock(userLock, LOCK_SH) == 0 else {
                    throw DatabaseError.clusterFailed("cannot lock \(root)/users.lock: \(String(cString: strerror(errno)))")
                }
                Self.active.insert(self)
            }
            let exists = FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION")
            // A server that answers on its socket with the database is running and set up: no
            // program to run (each runs through runuser and PAM when we are root), which is most
            // of what joining a running cluster costs (`illuminati status` beside a build).
            if exists && answers() { return }
            try checkServerUserCanWrite()
            if !exists { try initialise() }
            if try !isRunning() { try launch() }
            try createDatabaseIfMissing()
        }
    }

    /// Whether the cluster's database accepts a connection right now (one try, no retry).
    private func answers() -> Bool {
        (try? DatabaseConnection(conninfo: conninfo)) != nil
    }

    /// Ends this process's use; if no other process uses the cluster, stops the server.
    public func release() {
        guard userLock >= 0 else { return }
        Self.active.remove(self)
        _ = try? withFileLock(root + "/setup.lock") {
            defer { close(userLock); userLock = -1 }
            // Converting to exclusive fails while another process holds its shared lock, and
            // for a moment while the watcher holds its exclusive one: the conversion lets go of
            // our shared lock first, the watcher then waits for setup.lock, which we hold.
            guard Self.lockExclusively(userLock) else {
                logger.debug("private PostgreSQL still in use by another process; leaving it running")
                return
            }
            do { try stop() } catch { logger.warning("\(error)") }
        }
    }

    /// Releases every cluster this process uses; for interrupt handlers.
    public static func releaseAll() {
        for cluster in active.all() { cluster.release() }
    }

    private static let active = ActiveClusters()

    private final class ActiveClusters: @unchecked Sendable {
        private let lock = NSLock()
        private var clusters: [ObjectIdentifier: EmbeddedCluster] = [:]
        func insert(_ cluster: EmbeddedCluster) { lock.lock(); clusters[ObjectIdentifier(cluster)] = cluster; lock.unlock() }
        func remove(_ cluster: EmbeddedCluster) { lock.lock(); clusters[ObjectIdentifier(cluster)] = nil; lock.unlock() }
        func all() -> [EmbeddedCluster] { lock.lock(); defer { lock.unlock() }; return Array(clusters.values) }
    }

    /// Stops the server if it runs (fast shutdown: sessions are ended, data is safe).
    public func stop() throws {
        guard try isRunning() else { return }
        let outcome = try runProgram(binDirectory + "/pg_ctl", ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60"],
                                            as: Self.serverUser, outputFile: root + "/pg_ctl.out")
        guard outcome.succeeded else { throw DatabaseError.clusterFailed("pg_ctl stop failed: \(outcome.output)") }
        // A socket folder outside the state folder (long paths) is ours alone; rmdir leaves it
        // if anything is still inside.
        if !socketDirectory.hasPrefix(root + "/") { rmdir(socketDirectory) }
        logger.info("stopped private PostgreSQL", metadata: ["data": "\(dataDirectory)"])
    }

    public func isRunning() throws -> Bool {
        guard FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") else { return false }
        let outcome = try runProgram(binDirectory + "/pg_ctl", ["status", "-D", dataDirectory],
                                            as: Self.serverUser, outputFile: root + "/pg_ctl.out")
        return outcome.status == 0
    }

    // MARK: - Steps

    /// Lays out `<state>/postgres` (data, locks, logs) and the socket folder. Each is a private
    /// folder of the server user: made without following links, and refused if it exists but
    /// is not a real folder of that user. `<state>/postgres` may be a link only to this state
    /// folder's own folder under /var/tmp, and only one that this code made.
    private func prepareDirectories() throws {
        try StateFolder.ensure(stateDirectory)
        let owner = try serverOwner()
        let link = stateDirectory + "/postgres"
        let elsewhere = Self.fallbackRoot(for: stateDirectory)
        if PrivateFolder.isLink(link) {
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link)
            guard target == elsewhere else {
                throw DatabaseError.clusterFailed("refusing \(link): it links to \(target ?? "nothing readable"), not to \(elsewhere); "
                                                  + "illuminati did not make that link. Remove it, or choose another --state-dir")
            }
            try PrivateFolder.ensure(elsewhere, owner: owner)
        } else {
            let isNew = !PrivateFolder.exists(link)
            try PrivateFolder.ensure(link, owner: owner)
            if isNew && isRoot && !serverUserCanWrite(link) {
                // A state folder under a private folder (e.g. /root) is not reachable by the
                // postgres user: keep the cluster under /var/tmp and link it from the state folder.
                rmdir(link)
                try PrivateFolder.ensure(elsewhere, owner: owner)
                guard symlink(elsewhere, link) == 0 else {
                    throw DatabaseError.clusterFailed("cannot link \(link) to \(elsewhere): \(String(cString: strerror(errno)))")
                }
            }
        }
        resolvePaths()
        try PrivateFolder.ensure(socketDirectory, owner: owner)
    }

    /// Before creating or starting the server. Checked on the cluster's own folder: a link's
    /// path may lie in a folder postgres cannot enter.
    private func checkServerUserCanWrite() throws {
        if isRoot && !serverUserCanWrite(root) {
            throw DatabaseError.clusterFailed("the postgres user cannot write \(root); choose another --state-dir")
        }
    }

    /// The user the server runs as: ourselves, or `postgres` when running as root.
    private func serverOwner() throws -> PrivateFolder.Owner {
        isRoot ? try PrivateFolder.Owner.named(Self.serverUser) : PrivateFolder.Owner.current
    }

    private func initialise() throws {
        logger.info("creating private PostgreSQL cluster", metadata: ["data": "\(dataDirectory)"])
        let outcome = try runProgram(
            binDirectory + "/initdb",
            ["-D", dataDirectory, "-U", Self.serverUser, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            as: Self.serverUser, outputFile: root + "/initdb.out")
        guard outcome.succeeded else {
            throw DatabaseError.clusterFailed("initdb failed: \(outcome.output.split(separator: "\n").suffix(3).joined(separator: "; "))")
        }
    }

    private func launch() throws {
        logger.info("starting private PostgreSQL", metadata: ["socket": "\(socketDirectory)"])
        // Socket only, and only for the server user: with the folder's 0700 this is what lets
        // `trust` authentication stand (root, which may enter any folder, is the one exception).
        let options = "-k \(socketDirectory) -p \(port) -c listen_addresses='' -c unix_socket_permissions=0700"
        let outcome = try runProgram(
            binDirectory + "/pg_ctl", ["start", "-D", dataDirectory, "-l", serverLog, "-w", "-t", "60", "-o", options],
            as: Self.serverUser, newSession: true, outputFile: root + "/pg_ctl.out")
        guard outcome.succeeded else {
            let tail = (try? String(contentsOfFile: serverLog, encoding: .utf8))?
                .split(separator: "\n").suffix(3).joined(separator: "; ") ?? ""
            throw DatabaseError.clusterFailed("pg_ctl start failed: \(outcome.output) \(tail)")
        }
        startWatcher()
    }

    /// The server must stop when its last user is gone, also when that user was killed before
    /// it could stop the server itself: a watcher process waits for that and stops it.
    private func startWatcher() {
        var command = [binDirectory + "/pg_ctl", "stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60"]
        if isRoot { command = ["/usr/sbin/runuser", "-u", Self.serverUser, "--"] + command }
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let removable = socketDirectory.hasPrefix(root + "/") ? nil : socketDirectory
        let started = clusterwatch_start(root + "/users.lock", root + "/setup.lock", arguments, removable)
        if started != 0 {
            logger.warning("cannot start the private PostgreSQL watcher; a killed last user leaves the server running")
        }
    }

    private func createDatabaseIfMissing() throws {
        let connection = try connectWithRetry(database: "postgres")
        if try connection.databaseExists(name: databaseName).isEmpty {
            // CREATE DATABASE takes no parameters; the name is checked to be a plain identifier.
            guard databaseName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw DatabaseError.clusterFailed("invalid database name \(databaseName)")
            }
            try connection.execute("CREATE DATABASE \(databaseName)", name: "CREATE DATABASE")
        }
    }

    /// The server may still be finishing start-up (started by another process): up to 5 s.
    private func connectWithRetry(database: String) throws -> DatabaseConnection {
        try DatabaseConnection.connect(conninfo: conninfo(database: database),
                                       retry: ConnectionRetry(backoff: Backoff(base: .milliseconds(100), cap: .milliseconds(100)),
                                                              giveUpAfter: .seconds(5)))
    }

    // MARK: - Helpers

    private func serverUserCanWrite(_ path: String) -> Bool {
        let probe = try? runProgram("/usr/bin/test", ["-w", path, "-a", "-x", path], as: Self.serverUser,
                                           outputFile: nil)
        return probe?.succeeded ?? false
    }

    /// A server program (initdb, pg_ctl), its start-up failures told as the cluster's.
    private func runProgram(_ executable: String, _ arguments: [String], as user: String? = nil,
                            newSession: Bool = false, outputFile: String?) throws -> ProcessRunner.Outcome {
        do {
            return try ProcessRunner.run(executable, arguments, as: user, newSession: newSession, outputFile: outputFile)
        } catch let failure as ProcessFailure {
            throw DatabaseError.clusterFailed(failure.description)
        }
    }

    private func withFileLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DatabaseError.clusterFailed("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw DatabaseError.clusterFailed("cannot lock \(path): \(String(cString: strerror(errno)))")
        }
        return try body()
    }

    /// An exclusive flock without waiting on other users, retried briefly for the watcher.
    /// Another process's shared lock means the cluster is in use: no retry then, or every
    /// `status` beside a running build would spend the whole 100 ms here.
    private static func lockExclusively(_ descriptor: Int32) -> Bool {
        var info = stat()
        if fstat(descriptor, &info) == 0, FlockTable.othersHoldShared(inode: UInt64(info.st_ino)) { return false }
        for attempt in 0..<20 {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
            if attempt < 19 { usleep(5_000) }
        }
        return false
    }

    static func shortHash(_ text: String) -> String {
        String(String(fnv1a64(text), radix: 16).prefix(12))
    }

    /// initdb and pg_ctl: `ILLUMINATI_PG_BINDIR`, else the newest /usr/lib/postgresql/N/bin.
    static func findBinDirectory() throws -> String {
        let fileManager = FileManager.default
        if let configured = ProcessInfo.processInfo.environment["ILLUMINATI_PG_BINDIR"], !configured.isEmpty {
            return configured
        }
        let base = "/usr/lib/postgresql"
        let versions = ((try? fileManager.contentsOfDirectory(atPath: base)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where fileManager.isExecutableFile(atPath: "\(base)/\(version)/bin/initdb") {
            return "\(base)/\(version)/bin"
        }
        throw DatabaseError.clusterFailed(
            "PostgreSQL server programs (initdb, pg_ctl) not found; install the postgresql package, set ILLUMINATI_PG_BINDIR, or set DATABASE_URL")
    }
}
