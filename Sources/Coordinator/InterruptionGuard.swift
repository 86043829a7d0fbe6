import Dispatch
import Foundation
import IlluminatiPostgres

/// On SIGINT or SIGTERM, stops the local workers this process started, releases the private
/// PostgreSQL clusters it uses (the last user stops the server), then exits with 128 + the
/// signal number.
enum InterruptionGuard {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var children: Set<pid_t> = []
    private static let lock = NSLock()

    /// A child process to stop (SIGTERM, then wait for it) before exiting on a signal.
    static func track(_ pid: pid_t) { lock.withLock { _ = children.insert(pid) } }

    static func untrack(_ pid: pid_t) { lock.withLock { _ = children.remove(pid) } }

    private static func stopChildren() {
        let pids = lock.withLock { children }
        for pid in pids { kill(pid, SIGTERM) }
        for pid in pids {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("illuminati: interrupted\n".utf8))
                stopChildren()
                EmbeddedCluster.releaseAll()
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
