/// The numbers of the `$n` placeholders a statement uses. Comments, quoted strings and
/// identifiers and dollar-quoted bodies are skipped, so `'$1'` or `-- $1` do not count.
func parameterReferences(in sql: String) -> Set<Int> {
    let text = Array(sql.utf8)
    var found = Set<Int>()
    var index = 0

    func byte(_ offset: Int) -> UInt8? { index + offset < text.count ? text[index + offset] : nil }
    func isWordByte(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
    }
    func isDigit(_ byte: UInt8?) -> Bool { byte.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false }
    /// Moves past the next `terminator` (a doubled one inside quotes is part of the text).
    func skipQuoted(_ terminator: UInt8) {
        index += 1
        while index < text.count {
            if text[index] == terminator {
                if byte(1) == terminator { index += 2; continue }
                index += 1
                return
            }
            index += 1
        }
    }

    while index < text.count {
        switch text[index] {
        case UInt8(ascii: "-") where byte(1) == UInt8(ascii: "-"):
            while index < text.count, text[index] != UInt8(ascii: "\n") { index += 1 }
        case UInt8(ascii: "/") where byte(1) == UInt8(ascii: "*"):
            // Block comments nest in PostgreSQL.
            var depth = 0
            repeat {
                if byte(0) == UInt8(ascii: "/"), byte(1) == UInt8(ascii: "*") { depth += 1; index += 2 }
                else if byte(0) == UInt8(ascii: "*"), byte(1) == UInt8(ascii: "/") { depth -= 1; index += 2 }
                else { index += 1 }
            } while depth > 0 && index < text.count
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            skipQuoted(text[index])
        case UInt8(ascii: "$") where index > 0 && isWordByte(text[index - 1]):
            index += 1  // inside an identifier such as a$b
        case UInt8(ascii: "$") where isDigit(byte(1)):
            index += 1
            var number = 0
            while isDigit(byte(0)) { number = number * 10 + Int(text[index] - UInt8(ascii: "0")); index += 1 }
            found.insert(number)
        case UInt8(ascii: "$"):
            // A dollar quote: $$…$$ or $tag$…$tag$.
            var end = index + 1
            while end < text.count, isWordByte(text[end]) { end += 1 }
            guard end < text.count, text[end] == UInt8(ascii: "$") else { index += 1; continue }
            let tag = Array(text[index...end])
            index = end + 1
            while index < text.count, !text[index...].starts(with: tag) { index += 1 }
            index += tag.count
        default:
            index += 1
        }
    }
    return found
}
