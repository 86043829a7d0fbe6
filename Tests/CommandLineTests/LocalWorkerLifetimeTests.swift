import Foundation
import IlluminatiTestSupport
import Testing

/// `submit --workers N` on the private cluster: whatever ends `submit`, SIGKILL included, its
/// workers and the cluster it started end with it.
@Suite(.serialized, .tags(.database, .process)) struct LocalWorkerLifetimeTests {
    @Test func aKilledSubmitTakesItsWorkersAndThePrivateClusterWithIt() throws {
        let plate = try buildPlate(seed: 11)
        let state = TemporaryDirectory.make()
        defer { state.remove() }
        let stateDirectory = state.file("state")
        let common = ["--state-dir", stateDirectory]
        let created = try Executables.run("illuminati", ["experiment", "create", "orphans", "--manifest", plate.manifest] + common)
        #expect(created.status == 0, "\(created.stderr)")
        let planned = try Executables.run("illuminati", ["init", "orphans"] + common)
        #expect(planned.status == 0, "\(planned.stderr)")

        let submit = try Executables.start("illuminati", ["submit", "orphans", "--workers", "2", "--storage", state.file("tiles")] + common)
        var workers: [pid_t] = []
        #expect(waitUntil(.seconds(120)) {
            workers = childProcesses(of: submit.pid).filter { commandName(of: $0) == "illuminati-work" }
            return workers.count == 2 || !submit.isRunning
        })
        #expect(workers.count == 2, "submit did not start its two workers")
        submit.send(SIGKILL)
        let outcome = submit.finish()
        #expect(outcome.status == SIGKILL, "submit must have been killed, not have finished (\(outcome.status))")

        #expect(waitUntil(.seconds(60)) { workers.allSatisfy { !isAlive($0) } },
                "workers still running after their submit was killed: \(workers.filter(isAlive))")
        let pidFile = stateDirectory + "/postgres/data/postmaster.pid"
        #expect(waitUntil(.seconds(60)) { !FileManager.default.fileExists(atPath: pidFile) },
                "the private cluster must stop once its last user is gone")
    }
}

/// The pids of `parent`'s children, from /proc.
func childProcesses(of parent: pid_t) -> [pid_t] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(parent)/task")) ?? []
    return tasks.flatMap { task -> [pid_t] in
        let children = (try? String(contentsOfFile: "/proc/\(parent)/task/\(task)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").compactMap { pid_t($0) }
    }
}

/// The kernel's short name of a process (at most 15 characters).
func commandName(of pid: pid_t) -> String {
    ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Running, and not a zombie waiting for a parent to reap it.
func isAlive(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let end = stat.lastIndex(of: ")") else { return false }
    return !stat[stat.index(end, offsetBy: 2)...].hasPrefix("Z")
}
