import Foundation
import IlluminatiMetrics
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// `GET /metrics` (and `HEAD`) in Prometheus' text format on a plain socket: a worker needs
/// no web framework for one scrape every few seconds. Each client is answered on a thread of its
/// own, so a client that connects and sends nothing delays nobody else; at most
/// `maximumClients` are served at once, further ones are closed at once.
final class MetricsServer: Service, @unchecked Sendable {
    /// Far above what scrapers need; bounds the threads an abusive client can cost.
    static let maximumClients = 32
    /// A client that has not sent its request by then is dropped.
    static let readTimeoutSeconds = 2

    private let socketFD: Int32
    private let metrics: PrometheusExport
    private let logger: Logger
    private let lock = NSLock()
    private var clients = 0

    init(address: String, port: Int, metrics: PrometheusExport, logger: Logger) throws {
        self.metrics = metrics
        self.logger = logger
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw WorkerExit(message: "metrics: cannot create a socket", code: 1) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else {
            close(fd)
            throw WorkerExit(message: "metrics: \(address) is not an IPv4 address", code: 2)
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw WorkerExit(message: "metrics: cannot listen on \(address):\(port): \(reason)", code: 1)
        }
        self.socketFD = fd
    }

    func run() async throws {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "illuminati-metrics"
        thread.start()
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                try? await Task.sleep(for: .milliseconds(200))
            }
        } onGracefulShutdown: {}
        shutdown(socketFD, Int32(SHUT_RDWR))
        close(socketFD)
    }

    private func acceptLoop() {
        while true {
            let client = accept(socketFD, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                    if errno != EINTR && errno != ECONNABORTED { usleep(50_000) }
                    continue
                }
                return
            }
            let admitted = lock.withLock {
                guard clients < Self.maximumClients else { return false }
                clients += 1
                return true
            }
            guard admitted else {
                close(client)
                continue
            }
            Thread.detachNewThread { [self] in
                respond(client)
                close(client)
                lock.withLock { clients -= 1 }
            }
        }
    }

    private func respond(_ client: Int32) {
        var timeout = timeval(tv_sec: Self.readTimeoutSeconds, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let line = requestLine(client) else { return }
        let parts = line.split(separator: " ")
        let method = parts.first ?? ""
        let path = parts.dropFirst().first?.prefix { $0 != "?" } ?? ""
        let (status, body, type): (String, String, String)
        if path == "/metrics" && (method == "GET" || method == "HEAD") {
            (status, body, type) = ("200 OK", metrics.text(), "text/plain; version=0.0.4; charset=utf-8")
        } else {
            (status, body, type) = ("404 Not Found", "only /metrics is served here\n", "text/plain; charset=utf-8")
        }
        let payload = Array(body.utf8)
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
        // HEAD answers GET's head, Content-Length included, without the body.
        let bytes = Array(head.utf8) + (method == "HEAD" ? [] : payload)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            sent += n
        }
    }

    /// The request's first line, once the whole head has arrived (it may come in pieces;
    /// closing before reading it all could reset the connection under the answer).
    private func requestLine(_ client: Int32) -> String? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let headEnd: [UInt8] = [13, 10, 13, 10]
        while received.count < 16_384 {
            let count = read(client, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            received += buffer[0..<count]
            guard received.count >= 4,
                  (0...(received.count - 4)).contains(where: { received[$0..<($0 + 4)].elementsEqual(headEnd) }) else { continue }
            let line = received.prefix { $0 != 13 && $0 != 10 }
            return String(decoding: line, as: UTF8.self)
        }
        return nil
    }
}
