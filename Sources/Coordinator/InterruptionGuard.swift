import Dispatch
import Foundation
import IlluminatiDatabase

/// On SIGINT or SIGTERM, releases the private PostgreSQL clusters this process uses (the
/// last user stops the server), then exits with 128 + the signal number.
enum InterruptionGuard {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                FileHandle.standardError.write(Data("illuminati: interrupted\n".utf8))
                EmbeddedCluster.releaseAll()
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
