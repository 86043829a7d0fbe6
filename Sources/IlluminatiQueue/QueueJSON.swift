import Foundation

/// The JSON text the queue stores: job payloads, results and build parameters, with sorted
/// keys so that the same plan is the same text.
public enum QueueJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// A decoding error in one line: where and what (`DecodingError`'s own description spells
    /// out its whole context), e.g. `rows: Expected to decode Array<Any> but found a string instead.`
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        let context: DecodingError.Context
        var problem: String
        switch error {
        case .keyNotFound(let key, let found):
            context = found
            problem = "missing key \"\(key.stringValue)\""
        case .typeMismatch(_, let found), .valueNotFound(_, let found), .dataCorrupted(let found):
            context = found
            problem = found.debugDescription
        @unknown default:
            return "\(error)"
        }
        if let underlying = context.underlyingError { problem += " (\(underlying.localizedDescription))" }
        let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? problem : "\(path): \(problem)"
    }
}
