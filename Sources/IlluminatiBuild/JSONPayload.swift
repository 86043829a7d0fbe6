import Foundation

/// Job payloads and build parameters as JSON text with sorted keys, so the same plan is the
/// same text.
public enum JSONPayload {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from text: String, kind: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw BuildError.badPayload(kind: kind, reason: "\(error)")
        }
    }
}
