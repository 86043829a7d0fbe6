import Foundation

/// A pipe whose write end only this process holds, so that a child given the read end sees
/// end-of-file once this process is gone, however it went (SIGKILL and crashes included).
/// Local workers use it to stop with the command that started them.
public enum ParentLifeline {
    /// The descriptor number the read end has in a child.
    public static let childDescriptor: Int32 = 3

    /// The read end, for `ChildProcess.spawn`; the write end stays open, unseen, until we exit.
    static let readEnd: Int32? = {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        // Neither end may leak into other children (servers, browsers): only an explicit dup2
        // into a local worker hands the read end on.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return ends[0]
    }()

    /// In a child: runs `onParentExit` on a thread of its own once the parent has exited.
    public static func watch(descriptor: Int32, onParentExit: @escaping @Sendable () -> Void) {
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(descriptor, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                // Nothing is ever written: any return is the end of the pipe.
                break
            }
            onParentExit()
        }
        thread.name = "parent-lifeline"
        thread.start()
    }
}
