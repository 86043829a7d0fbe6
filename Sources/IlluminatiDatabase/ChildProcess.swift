import Foundation

/// A long-running child (a local worker) that shares our stdout and stderr and nothing else.
public enum ChildProcess {
    /// Starts `command` (absolute path first) and returns its pid; reap it with waitpid.
    public static func spawn(_ command: [String]) throws -> pid_t {
        guard let executable = command.first else { throw DatabaseError.clusterFailed("no command to run") }
        ProcessRunner.markDescriptorsCloseOnExec()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var pid: pid_t = 0
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, executable, &actions, nil, arguments, environ)
        guard spawned == 0 else {
            throw DatabaseError.clusterFailed("cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        return pid
    }
}
