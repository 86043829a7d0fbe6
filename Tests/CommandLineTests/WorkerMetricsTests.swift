import Foundation
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database, .process)) struct WorkerMetricsTests {
    @Test func metricsListenOnLoopbackByDefaultAndIdleClientsDoNotHoldUpAScrape() throws {
        let (database, _) = try TestDatabase.create()
        let storage = TemporaryDirectory.make(prefix: "illuminati-storage")
        defer { storage.remove() }
        let port = try freePort()
        let worker = try Executables.start("illuminati-worker", [
            "--database-url", database, "--storage", storage.path, "--metrics-port", "\(port)", "--log-level", "info"])
        defer {
            worker.send(SIGTERM)
            _ = worker.finish(timeout: .seconds(30))
        }
        var first: String?
        let deadline = ContinuousClock.now + .seconds(60)
        while first == nil && worker.isRunning && ContinuousClock.now < deadline {
            first = httpGet(port: port, path: "/metrics")
            if first == nil { usleep(100_000) }
        }
        #expect(first?.contains("# TYPE") == true, "no metrics: \(first ?? "nothing")")
        // Every queue series exists from the start, at zero, not only after the first claim.
        #expect(first?.contains("illuminati_queue_jobs_claimed_total 0") == true, "\(first ?? "nothing")")

        // As the kernel sees the listening socket: 127.0.0.1, not every interface.
        #expect(try listeningAddresses(port: port) == ["127.0.0.1"])

        // Clients that connect and send nothing (a port scan, a stuck scraper) must not make
        // the next scrape wait for their read timeouts.
        let idle = try (0..<5).map { _ in try RawHTTP.connectLoopback(port: port) }
        defer { idle.forEach { close($0) } }
        let started = ContinuousClock.now
        let scraped = httpGet(port: port, path: "/metrics")
        let waited = ContinuousClock.now - started
        #expect(scraped?.contains("# TYPE") == true)
        #expect(waited < .seconds(1), "a scrape waited \(waited) behind 5 idle connections")
    }

    @Test func metricsHostChoosesTheAddress() throws {
        let (database, _) = try TestDatabase.create()
        let storage = TemporaryDirectory.make(prefix: "illuminati-storage")
        defer { storage.remove() }
        let port = try freePort()
        let worker = try Executables.start("illuminati-worker", [
            "--database-url", database, "--storage", storage.path, "--metrics-port", "\(port)", "--metrics-host", "0.0.0.0"])
        defer {
            worker.send(SIGTERM)
            _ = worker.finish(timeout: .seconds(30))
        }
        let deadline = ContinuousClock.now + .seconds(60)
        var addresses: [String] = []
        while addresses.isEmpty && worker.isRunning && ContinuousClock.now < deadline {
            addresses = try listeningAddresses(port: port)
            if addresses.isEmpty { usleep(100_000) }
        }
        #expect(addresses == ["0.0.0.0"])
    }
}

/// IPv4 addresses of the sockets listening on `port`, from /proc/net/tcp.
private func listeningAddresses(port: Int) throws -> [String] {
    let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
    return table.split(separator: "\n").dropFirst().compactMap { line -> String? in
        let fields = line.split(separator: " ")
        guard fields.count > 3, fields[3] == "0A" else { return nil }
        let local = fields[1].split(separator: ":")
        guard local.count == 2, Int(local[1], radix: 16) == port, let raw = UInt32(local[0], radix: 16) else { return nil }
        // The kernel prints the address in host byte order (little-endian here).
        return (0..<4).map { String((raw >> (8 * $0)) & 0xFF) }.joined(separator: ".")
    }
}

/// A port nothing listens on right now (the kernel's choice for port 0).
private func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw TestSupportError("cannot find a free port: \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}
