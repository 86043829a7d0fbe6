import Foundation
import IlluminatiProcess
import IlluminatiQueue
import IlluminatiStorage

/// `submit --workers N`: worker processes on this machine for the duration of the command,
/// started from the `illuminati-worker` next to this executable.
public final class LocalWorkers {
    public private(set) var pids: [pid_t] = []
    public let executable: String
    /// Told of every worker started and every worker stopped, so that whoever must stop them
    /// on a signal (the command line's interruption guard) knows which are running.
    private let started: (pid_t) -> Void
    private let stopped: (pid_t) -> Void

    public init(started: @escaping (pid_t) -> Void = { _ in }, stopped: @escaping (pid_t) -> Void = { _ in }) throws {
        self.started = started
        self.stopped = stopped
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidate = URL(fileURLWithPath: Bundle.main.executablePath ?? own.path).deletingLastPathComponent()
            .appendingPathComponent("illuminati-worker").path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw InputError("illuminati-worker is not next to illuminati (\(candidate)); build it or start workers yourself")
        }
        executable = candidate
    }

    /// `capacity`: the cores and memory the workers advertise (its kinds are not used: a worker
    /// handles every kind of a build).
    public func start(count: Int, conninfo: String, storage: StorageRoot, logLevel: String,
                      capacity: WorkerCapacity = .machine()) throws {
        for _ in 0..<count {
            // The lifeline stops the workers with this process even when it is killed outright.
            let arguments = [executable, "--database-url", conninfo, "--storage", storage.path, "--concurrency", "1",
                             "--cores", "\(capacity.cores)", "--memory", "\(capacity.memoryMB)",
                             "--log-level", logLevel, "--parent-lifeline", "\(ParentLifeline.childDescriptor)"]
            let pid = try ChildProcess.spawn(arguments, lifeline: true)
            started(pid)
            pids.append(pid)
        }
    }

    /// SIGTERM to every worker, then waits for them (they release what they hold).
    public func stop() {
        for pid in pids { kill(pid, SIGTERM) }
        for pid in pids {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            stopped(pid)
        }
        pids = []
    }

    /// Workers that exited on their own (crashed or gave up), so `submit` can say so.
    public func exited() -> [pid_t] {
        pids.filter { pid in
            var status: Int32 = 0
            return waitpid(pid, &status, WNOHANG) == pid
        }
    }
}
