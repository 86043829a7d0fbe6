import Foundation
import IlluminatiProcess
import IlluminatiTestSupport

/// A single-node Slurm of the test's own, from Debian's `slurm-wlm` and `munge`: munged,
/// slurmctld and slurmd run in a private folder with their own key, socket, ports and
/// slurm.conf, so they touch nothing of the machine's (nor another test run's), and are stopped
/// by the pids they wrote. The clients (sbatch, squeue, …) find it through SLURM_CONF.
final class SlurmCluster {
    /// Seconds between Slurm's SIGTERM and its SIGKILL (at the time limit, on scancel).
    static let killWait = 10

    let folder: TemporaryDirectory
    private var started: [String] = []

    private init(folder: TemporaryDirectory) { self.folder = folder }

    var configuration: String { folder.file("slurm.conf") }

    static func start() throws -> SlurmCluster {
        let cluster = SlurmCluster(folder: TemporaryDirectory.make(prefix: "illuminati-slurm"))
        do {
            try cluster.startDaemons()
        } catch {
            cluster.stop()
            throw error
        }
        return cluster
    }

    private func startDaemons() throws {
        for name in ["state", "spool"] { try FileManager.default.createDirectory(atPath: folder.file(name), withIntermediateDirectories: true) }
        var key = [UInt8](repeating: 0, count: 1024)
        for index in key.indices { key[index] = .random(in: .min ... .max) }
        guard FileManager.default.createFile(atPath: folder.file("munge.key"), contents: Data(key), attributes: [.posixPermissions: 0o600]) else {
            throw TestSupportError("cannot write \(folder.file("munge.key"))")
        }
        try daemon("munged", pidFile: "munged.pid", [
            "--socket=" + folder.file("munge.socket"), "--key-file=" + folder.file("munge.key"),
            "--log-file=" + folder.file("munged.log"), "--pid-file=" + folder.file("munged.pid"),
            "--seed-file=" + folder.file("munged.seed"),
        ])
        try Self.configuration(folder: folder, controllerPort: freePort(), nodePort: freePort())
            .write(toFile: configuration, atomically: true, encoding: .utf8)
        try daemon("slurmctld", pidFile: "slurmctld.pid", ["-f", configuration])
        try daemon("slurmd", pidFile: "slurmd.pid", ["-f", configuration])
        guard waitUntil(.seconds(30), { (try? self.client("sinfo", ["-h", "-o", "%t"]))?.hasPrefix("idle") == true }) else {
            throw TestSupportError("the Slurm node did not come up idle: \((try? client("sinfo", ["-N", "-l"])) ?? "")\n"
                                   + log("slurmctld.log") + log("slurmd.log"))
        }
    }

    /// Starts a daemon (it forks, writes its pid and leaves our session) and remembers it for
    /// `stop`. ProcessRunner, not Foundation's Process, which would wait for the daemon too.
    private func daemon(_ name: String, pidFile: String, _ arguments: [String]) throws {
        let outcome = try ProcessRunner.run(try FieldTools.system(name), arguments, newSession: true,
                                            outputFile: folder.file(name + ".out"))
        started.append(pidFile)
        guard outcome.succeeded, waitUntil(.seconds(10), { self.pid(pidFile) != nil }) else {
            throw TestSupportError("\(name) did not start: \(outcome.output)\n" + log(name + ".log"))
        }
    }

    private static func configuration(folder: TemporaryDirectory, controllerPort: Int, nodePort: Int) -> String {
        let host = shortHostName()
        return """
            ClusterName=illuminati-test
            SlurmctldHost=\(host)
            SlurmUser=\(String(cString: getpwuid(getuid()).pointee.pw_name))
            SlurmctldPort=\(controllerPort)
            SlurmdPort=\(nodePort)
            AuthType=auth/munge
            CredType=cred/munge
            AuthInfo=socket=\(folder.file("munge.socket"))
            StateSaveLocation=\(folder.file("state"))
            SlurmdSpoolDir=\(folder.file("spool"))
            SlurmctldPidFile=\(folder.file("slurmctld.pid"))
            SlurmdPidFile=\(folder.file("slurmd.pid"))
            SlurmctldLogFile=\(folder.file("slurmctld.log"))
            SlurmdLogFile=\(folder.file("slurmd.log"))
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            SwitchType=switch/none
            MpiDefault=none
            ReturnToService=2
            KillWait=\(killWait)
            SchedulerType=sched/backfill
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            NodeName=\(host) CPUs=2 RealMemory=1024 State=UNKNOWN
            PartitionName=test Nodes=\(host) Default=YES MaxTime=INFINITE State=UP

            """
    }

    /// Slurm names nodes by the host name up to its first dot.
    private static func shortHostName() -> String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        let bytes = name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(String(decoding: bytes, as: UTF8.self).prefix { $0 != "." })
    }

    /// Runs a Slurm client against this cluster; its output, or an error with it.
    @discardableResult
    func client(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let outcome = try FieldTools.run(try FieldTools.system(tool), arguments, timeout: .seconds(60),
                                         environment: environment.merging(["SLURM_CONF": configuration]) { $1 })
        guard outcome.status == 0 else { throw TestSupportError("\(tool) \(arguments.joined(separator: " ")): \(outcome.output)") }
        return outcome.output
    }

    /// The ids of the jobs Slurm still has pending or running.
    func queue() throws -> [String] {
        try client("squeue", ["-h", "-o", "%i"]).split(separator: "\n").map(String.init)
    }

    func log(_ name: String) -> String {
        "\(name):\n" + ((try? String(contentsOfFile: folder.file(name), encoding: .utf8)) ?? "(none)") + "\n"
    }

    private func pid(_ pidFile: String) -> pid_t? {
        (try? String(contentsOfFile: folder.file(pidFile), encoding: .utf8))
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Cancels what is left in the queue, then stops the daemons in the reverse order of their
    /// start, each by its pid: SIGTERM, and SIGKILL if it is still there after 10 seconds.
    func stop() {
        if let jobs = try? queue(), !jobs.isEmpty {
            _ = try? client("scancel", jobs)
            _ = waitUntil(.seconds(Double(Self.killWait + 10))) { (try? self.queue())?.isEmpty ?? true }
        }
        for pidFile in started.reversed() {
            guard let pid = pid(pidFile) else { continue }
            kill(pid, SIGTERM)
            if !waitUntil(.seconds(10), { !Self.isRunning(pid) }) { kill(pid, SIGKILL) }
        }
        started = []
        folder.remove()
    }

    /// Whether `pid` is a live process (a daemon's parent is init, which may leave it a zombie a while).
    private static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(end, offsetBy: 2)...].hasPrefix("Z")
    }
}
