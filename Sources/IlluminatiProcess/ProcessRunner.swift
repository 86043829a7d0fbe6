import Foundation

/// Runs a helper program (initdb, pg_ctl) to completion with posix_spawn and waitpid.
/// Foundation's Process is not used here: it notices a child's exit through a descriptor
/// that a daemon started by the child (the PostgreSQL server) would inherit and keep open.
public struct ProcessRunner {
    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
        public var succeeded: Bool { status == 0 }
    }

    /// `user`: when running as root, the program runs as this user through runuser(1).
    /// `newSession`: the program and its children leave our session, so a Ctrl-C meant for
    /// us does not reach a server it starts. Output goes to `outputFile` (nil: discarded).
    public static func run(_ executable: String, _ arguments: [String], as user: String? = nil,
                    newSession: Bool = false, outputFile: String?) throws -> Outcome {
        var command = [executable] + arguments
        if let user, getuid() == 0 { command = ["/usr/sbin/runuser", "-u", user, "--"] + command }
        if newSession, FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") {
            command = ["/usr/bin/setsid", "--wait"] + command
        }
        // Truncate or create with open(2), never replacing whatever is at the path, and never
        // through a link: as root these files lie in a folder the postgres user owns.
        let output = outputFile.map { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644) } ?? open("/dev/null", O_WRONLY | O_CLOEXEC)
        guard output >= 0 else {
            throw ProcessFailure("cannot write \(outputFile ?? "/dev/null"): \(String(cString: strerror(errno)))")
        }
        defer { close(output) }
        markDescriptorsCloseOnExec()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)

        let pid = try spawn(command, actions: &actions)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw ProcessFailure("waitpid: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import.
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = outputFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        return Outcome(status: exitStatus, output: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// posix_spawn with the signals we handle ourselves back at their default action and nothing
    /// blocked: the coordinator ignores SIGINT and SIGTERM (it handles them through Dispatch),
    /// an ignored signal stays ignored across exec, and a child that ignores SIGTERM cannot be stopped.
    static func spawn(_ command: [String], actions: inout posix_spawn_file_actions_t) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signalNumber) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var pid: pid_t = 0
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, command[0], &actions, &attributes, arguments, environ)
        guard spawned == 0 else {
            throw ProcessFailure("cannot run \(command[0]): \(String(cString: strerror(spawned)))")
        }
        return pid
    }

    /// Children must inherit nothing but stdio: a server keeping one of our descriptors
    /// open (a socket, a lock file) would tie its lifetime to ours.
    static func markDescriptorsCloseOnExec() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for entry in entries {
            guard let descriptor = Int32(entry), descriptor > 2 else { continue }
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
