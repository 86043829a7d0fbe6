import Foundation

public struct HTTPResult: Sendable {
    public var status: Int
    /// Lower-cased names.
    public var headers: [String: String]
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
    public func json() throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(body))
        guard let object = parsed as? [String: Any] else {
            throw HTTPTestError("not a JSON object (\(type(of: parsed))): \(String(text.prefix(300)))")
        }
        return object
    }
}

public struct HTTPTestError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// HTTP/1.1 over a plain socket, one request per connection. The request target is sent
/// byte for byte, so tests can send what a URL library would normalise away (`..`, `%2f`).
public enum RawHTTP {
    /// A TCP connection to 127.0.0.1:`port`; the caller closes the descriptor.
    public static func connectLoopback(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPTestError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw HTTPTestError("connect to port \(port): \(errno)")
        }
        return fd
    }

    /// `host` replaces the `Host` header's value (`127.0.0.1:port`).
    public static func request(port: Int, method: String, target: String, headers: [String: String],
                        body: [UInt8] = [], host: String? = nil) throws -> HTTPResult {
        let fd = try connectLoopback(port: port)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, 0) }
            guard n > 0 else { throw HTTPTestError("send: \(errno)") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw HTTPTestError("recv: \(errno)") }
            if n == 0 { break }
            response += buffer[0..<n]
            // Servers that keep the connection open anyway (chromedriver) end the response by length.
            if isComplete(response, method: method) { break }
        }
        return try parse(response, method: method)
    }

    static func headerEnd(_ response: [UInt8]) -> Int? {
        guard response.count >= 4 else { return nil }
        return (0...(response.count - 4)).first { i in
            response[i] == 13 && response[i + 1] == 10 && response[i + 2] == 13 && response[i + 3] == 10
        }
    }

    /// True once the head and, where it gives a Content-Length, the whole body have arrived.
    static func isComplete(_ response: [UInt8], method: String) -> Bool {
        guard let end = headerEnd(response) else { return false }
        let head = String(decoding: response[..<end], as: UTF8.self).lowercased()
        if method == "HEAD" { return true }
        for line in head.components(separatedBy: "\r\n") where line.hasPrefix("content-length:") {
            guard let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
            return response.count - end - 4 >= length
        }
        if head.hasPrefix("http/1.1 304") || head.hasPrefix("http/1.1 204") { return true }
        return false
    }

    static func parse(_ response: [UInt8], method: String) throws -> HTTPResult {
        guard let end = headerEnd(response) else { throw HTTPTestError("no header end in \(response.count) bytes") }
        let lines = String(decoding: response[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HTTPTestError("bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(response[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var decoded: [UInt8] = [], index = 0
            while index < body.count {
                guard let lineEnd = (index..<body.count - 1).first(where: { body[$0] == 13 && body[$0 + 1] == 10 }),
                      let size = Int(String(decoding: body[index..<lineEnd], as: UTF8.self), radix: 16) else { break }
                if size == 0 { break }
                decoded += body[(lineEnd + 2)..<(lineEnd + 2 + size)]
                index = lineEnd + 2 + size + 2
            }
            body = decoded
        }
        return HTTPResult(status: status, headers: headers, body: body)
    }
}
