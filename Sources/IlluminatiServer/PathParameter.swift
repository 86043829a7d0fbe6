/// Strict parsing of the parts of a URL the server turns into lookups. Nothing from a URL ever
/// becomes part of a file path or SQL text: names are looked up among the experiment's known
/// layers, numbers are bounded, and anything else is rejected before it is used.
enum PathParameter {
    /// Largest coordinate or id accepted: more than any pyramid has, small enough to never overflow.
    static let maximumNumber = 999_999_999

    /// A non-negative decimal number of at most 9 digits (no sign, no spaces, no hex).
    static func number(_ text: Substring?) -> Int? {
        guard let text, !text.isEmpty, text.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text)
    }

    /// A layer or experiment name: letters, digits, `_`, `-`, `.`, not starting with a dot,
    /// at most 128 characters. Percent-encoded bytes, slashes and `..` never pass.
    static func name(_ text: Substring?) -> String? {
        guard let text, !text.isEmpty, text.utf8.count <= 128, text.first != "." else { return nil }
        let ok = text.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x5F || c == 0x2D || c == 0x2E
        }
        guard ok, !text.contains("..") else { return nil }
        return String(text)
    }

    /// A map-object bounding box `minX,minY,maxX,maxY` of finite numbers, min ≤ max.
    static func boundingBox(_ text: String?) -> (minX: Double, minY: Double, maxX: Double, maxY: Double)? {
        guard let text, text.utf8.count <= 200 else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var values: [Double] = []
        for part in parts {
            guard part.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x65 || $0 == 0x45 || $0 == 0x2B }),
                  let value = Double(part), value.isFinite, abs(value) < 1e12 else { return nil }
            values.append(value)
        }
        guard values[0] <= values[2], values[1] <= values[3] else { return nil }
        return (values[0], values[1], values[2], values[3])
    }
}
