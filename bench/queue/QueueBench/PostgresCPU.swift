// CPU time spent by the cluster's processes, from /proc: the postmaster's own time, its live
// children's (backends, walwriter, checkpointer…), and what it has reaped from children that
// exited (cutime/cstime), so that a backend whose connection closed during a run still counts.
import Foundation

struct PostgresCPU {
    let postmaster: Int32

    init(dataDirectory: String) throws {
        let text = try String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8)
        guard let first = text.split(separator: "\n").first, let pid = Int32(first) else {
            fail("no pid in \(dataDirectory)/postmaster.pid")
        }
        postmaster = pid
    }

    /// Fields after the command name of /proc/PID/stat (field 3 onwards), or nil if gone.
    private static func fields(_ pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    var children: [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let fields = Self.fields(pid), fields.count > 1 else { return false }
            return Int32(fields[1]) == postmaster
        }
    }

    /// Seconds of CPU (user + system) used so far by the cluster.
    func seconds() -> Double {
        // fields[0] is the state (field 3): utime is field 14, stime 15, cutime 16, cstime 17.
        func value(_ fields: [Substring], _ field: Int) -> Double { Double(fields[field - 3]) ?? 0 }
        guard let own = Self.fields(postmaster) else { fail("postmaster \(postmaster) is gone") }
        var ticks = value(own, 14) + value(own, 15) + value(own, 16) + value(own, 17)
        for child in children {
            if let fields = Self.fields(child) { ticks += value(fields, 14) + value(fields, 15) }
        }
        return ticks / Self.ticksPerSecond
    }

    /// Waits (up to 2 s) until at most `count` children are left, so that the backends of
    /// connections just closed are reaped and counted in the postmaster's cutime/cstime.
    func settle(toAtMost count: Int) {
        let deadline = ContinuousClock.now + .seconds(2)
        while children.count > count && ContinuousClock.now < deadline { usleep(10_000) }
    }
}
