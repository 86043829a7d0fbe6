/// A header's comma-separated list (RFC 9110 §5.6.1): its members without the spaces around
/// them, empty ones left out, and a comma inside a quoted string part of its member.
enum HTTPList {
    static func members(_ header: String) -> [Substring] {
        var members: [Substring] = []
        var start = header.startIndex, quoted = false
        for index in header.indices {
            switch header[index] {
            case "\"": quoted.toggle()
            case "," where !quoted:
                members.append(header[start..<index])
                start = header.index(after: index)
            default: break
            }
        }
        members.append(header[start...])
        return members.map { $0.trimmingSpaces }.filter { !$0.isEmpty }
    }
}

extension StringProtocol {
    /// Without the spaces and tabs HTTP allows around a field's values.
    var trimmingSpaces: SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
