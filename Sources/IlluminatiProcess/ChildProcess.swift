import Foundation

/// A long-running child (a local worker) that shares our stdout and stderr, or writes both to
/// a file, and shares nothing else.
public enum ChildProcess {
    /// Starts `command` (absolute path first) and returns its pid; reap it with waitpid.
    /// `lifeline`: the child gets `ParentLifeline`'s read end as descriptor 3.
    public static func spawn(_ command: [String], output: String? = nil, lifeline: Bool = false) throws -> pid_t {
        guard !command.isEmpty else { throw ProcessFailure("no command to run") }
        ProcessRunner.markDescriptorsCloseOnExec()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let output {
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if lifeline {
            guard let readEnd = ParentLifeline.readEnd else { throw ProcessFailure("cannot create a pipe for \(command[0])") }
            posix_spawn_file_actions_adddup2(&actions, readEnd, ParentLifeline.childDescriptor)
        }
        return try ProcessRunner.spawn(command, actions: &actions)
    }
}
