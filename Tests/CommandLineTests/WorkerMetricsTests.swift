import Foundation
import IlluminatiMetrics
import IlluminatiTestSupport
import Testing

@Suite(.tags(.database, .process)) struct WorkerMetricsTests {
    @Test func metricsListenOnLoopbackByDefaultAndIdleClientsDoNotHoldUpAScrape() throws {
        let (database, _) = try TestDatabase.create()
        let storage = TemporaryDirectory.make(prefix: "illuminati-storage")
        defer { storage.remove() }
        let worker = try MetricsWorker(database: database, storage: storage.path)
        defer { worker.stop() }
        let port = worker.port
        let first = worker.firstScrape()
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
        let worker = try MetricsWorker(database: database, storage: storage.path, ["--metrics-host", "0.0.0.0"])
        defer { worker.stop() }
        let deadline = ContinuousClock.now + .seconds(60)
        var addresses: [String] = []
        while addresses.isEmpty && worker.process.isRunning && ContinuousClock.now < deadline {
            addresses = try listeningAddresses(port: worker.port)
            if addresses.isEmpty { usleep(100_000) }
        }
        #expect(addresses == ["0.0.0.0"])
    }

    /// An idle worker's first page holds every family of the queue, and Prometheus' linter
    /// passes it; HEAD answers like GET, without the body.
    @Test func idleWorkerMetricsHaveEveryFamilyAndPassPromtool() throws {
        let (database, _) = try TestDatabase.create()
        let storage = TemporaryDirectory.make(prefix: "illuminati-storage")
        defer { storage.remove() }
        let worker = try MetricsWorker(database: database, storage: storage.path)
        defer { worker.stop() }
        let scraped = try #require(worker.firstScrape())
        for family in MetricCatalog.queue {
            #expect(scraped.contains("# HELP \(family.name) ") && scraped.contains("# TYPE \(family.name) \(family.kind.rawValue)\n"),
                    "\(family.name) is missing at start:\n\(scraped)")
        }
        let lint = try Promtool.checkMetrics(scraped)
        #expect(lint.status == 0 && lint.output.isEmpty, "promtool: \(lint.output)\n\(scraped)")

        let head = try wholeAnswer(port: worker.port, "HEAD /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(head)")
        #expect(head.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), "\(head)")
        let length = head.components(separatedBy: "\r\n").first { $0.hasPrefix("Content-Length: ") }?.dropFirst(16)
        #expect(length.flatMap { Int($0) }.map { $0 > 0 } == true, "GET's length: \(head)")
        #expect(head.hasSuffix("\r\n\r\n"), "a HEAD answer has no body: \(head)")
    }

    /// After a build's jobs, with histograms full of samples, the page still passes.
    @Test func busyWorkerMetricsPassPromtool() throws {
        let plate = try buildPlate(wells: ["A01"])
        defer { plate.directory.remove() }
        let (database, _) = try TestDatabase.create(migrated: false)
        let run = BuildRun(database: database)
        defer { run.storage.remove() }
        try run.create("busy", manifest: plate.manifest)
        try run.initialize("busy", ["--batch-size", "4"])
        let worker = try MetricsWorker(database: database, storage: run.storage.path, ["--concurrency", "2"])
        defer { worker.stop() }
        let built = try #require(try run.startSubmit("busy").finish(timeout: .seconds(180)), "the build did not finish")
        #expect(built.status == 0, "\(built.stderr)")

        let scraped = try #require(httpGet(port: worker.port, path: "/metrics"))
        let completed = scraped.split(separator: "\n").first { $0.hasPrefix("illuminati_queue_jobs_completed_total ") }
        #expect(completed.flatMap { Double($0.split(separator: " ")[1]) }.map { $0 > 0 } == true, "\(scraped)")
        let lint = try Promtool.checkMetrics(scraped)
        #expect(lint.status == 0 && lint.output.isEmpty, "promtool: \(lint.output)\n\(scraped)")
    }
}

/// `illuminati-worker` serving its metrics on a free loopback port.
private struct MetricsWorker {
    let process: Executables.Running
    let port: Int

    init(database: String, storage: String, _ arguments: [String] = []) throws {
        port = try freePort()
        process = try Executables.start("illuminati-worker", [
            "--database-url", database, "--storage", storage, "--metrics-port", "\(port)", "--log-level", "info"] + arguments)
    }

    /// The first page the worker serves, once it listens (nil if it does not within a minute).
    func firstScrape() -> String? {
        var scraped: String?
        let deadline = ContinuousClock.now + .seconds(60)
        while scraped == nil && process.isRunning && ContinuousClock.now < deadline {
            scraped = httpGet(port: port, path: "/metrics")
            if scraped == nil { usleep(100_000) }
        }
        return scraped
    }

    func stop() {
        process.send(SIGTERM)
        _ = process.finish(timeout: .seconds(30))
    }
}

/// Sends `request` and reads until the server closes the connection: all of the answer,
/// whatever its head says about a body.
private func wholeAnswer(port: Int, _ request: String) throws -> String {
    let fd = try RawHTTP.connectLoopback(port: port)
    defer { close(fd) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let bytes = Array(request.utf8)
    guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else {
        throw TestSupportError("send: \(errno)")
    }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 && errno == EINTR { continue }
        guard n >= 0 else { throw TestSupportError("recv: \(errno)") }
        if n == 0 { return String(decoding: answer, as: UTF8.self) }
        answer += buffer[0..<n]
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
