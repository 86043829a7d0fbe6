import Foundation
import HTTPTypes
import Hummingbird
import IlluminatiPostgres

/// How every response is built: tiles with validators and long caching, JSON compressed when
/// the client accepts gzip, errors as JSON.
enum Responses {
    /// Tiles change only when a layer is rebuilt; clients revalidate with the ETag after that.
    static let tileCacheControl = "public, max-age=300, must-revalidate"
    static let jsonCacheControl = "no-cache"

    static func tile(_ file: TileFile, request: Request) -> Response {
        var headers = HTTPFields()
        headers[.eTag] = file.etag
        headers[.cacheControl] = tileCacheControl
        if let match = request.headers[.ifNoneMatch], matches(match, file.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "image/jpeg"
        headers[.contentLength] = String(file.bytes.count)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    private static func matches(_ header: String, _ etag: String) -> Bool {
        EntityTags.noneMatchHits(header, etag: etag)
    }

    static func jsonBytes(_ bytes: [UInt8], request: Request, status: HTTPResponse.Status = .ok,
                     contentType: String = "application/json; charset=utf-8") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = jsonCacheControl
        headers[.vary] = "Accept-Encoding"
        var body = bytes
        if bytes.count > 256, acceptsGzip(request), let compressed = Gzip.compress(bytes) {
            headers[.contentEncoding] = "gzip"
            body = compressed
        }
        headers[.contentLength] = String(body.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Stable output: sorted keys, unescaped slashes. Our API's keys are snake_case (as
    /// TissueMAPS'); standard documents (TileJSON, IIIF) pass `.useDefaultKeys`.
    static func encoder(keys: JSONEncoder.KeyEncodingStrategy = .convertToSnakeCase) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = keys
        return encoder
    }

    static func json<T: Encodable>(_ value: T, request: Request, status: HTTPResponse.Status = .ok,
                                   keys: JSONEncoder.KeyEncodingStrategy = .convertToSnakeCase,
                                   contentType: String = "application/json; charset=utf-8") -> Response {
        let encoder = encoder(keys: keys)
        do {
            return jsonBytes([UInt8](try encoder.encode(value)), request: request, status: status, contentType: contentType)
        } catch {
            return self.error(.internalServerError, "cannot encode the response: \(error)", request: request)
        }
    }

    /// `requestID`, when given, is in the body and in `X-Request-Id`: the key to the details in
    /// the server's log, which the answer itself never carries.
    static func error(_ status: HTTPResponse.Status, _ message: String, request: Request, requestID: String? = nil,
                      headers extra: HTTPFields = HTTPFields()) -> Response {
        struct Body: Encodable { var error: Detail }
        struct Detail: Encodable {
            var status: Int
            var message: String
            var requestID: String?
            enum CodingKeys: String, CodingKey { case status, message, requestID = "request_id" }
        }
        let detail = Detail(status: status.code, message: message, requestID: requestID)
        let bytes = (try? encoder(keys: .useDefaultKeys).encode(Body(error: detail))).map { [UInt8]($0) }
            ?? Array("{\"error\":{}}".utf8)
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentLength] = String(bytes.count)
        if let requestID { headers[Self.requestIDField] = requestID }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static let requestIDField = HTTPField.Name("X-Request-Id")!

    /// An entity tag from the bytes themselves, for files built into the binary.
    static func etag(of bytes: [UInt8]) -> String { "\"\(String(fnv1a64(bytes), radix: 36))\"" }

    static func bytes(_ bytes: [UInt8], contentType: String, etag: String?, request: Request,
                      cacheControl: String = "public, max-age=3600") -> Response {
        var headers = HTTPFields()
        headers[.cacheControl] = cacheControl
        if let etag {
            headers[.eTag] = etag
            if let match = request.headers[.ifNoneMatch], matches(match, etag) {
                return Response(status: .notModified, headers: headers)
            }
        }
        headers[.contentType] = contentType
        headers[.contentLength] = String(bytes.count)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static func acceptsGzip(_ request: Request) -> Bool {
        guard let accept = request.headers[.acceptEncoding] else { return false }
        return accept.split(separator: ",").contains { part in
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.first?.lowercased() == "gzip" else { return false }
            return !fields.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "") == "q=0" }
        }
    }
}

/// A route's answer other than success: `ErrorMiddleware` turns it into a JSON error response.
struct RouteError: Error {
    var status: HTTPResponse.Status
    var message: String
    /// Besides the JSON body's, e.g. `WWW-Authenticate` of a 401.
    var headers = HTTPFields()

    static func notFound(_ message: String) -> RouteError { RouteError(status: .notFound, message: message) }
    static func badRequest(_ message: String) -> RouteError { RouteError(status: .badRequest, message: message) }
}
