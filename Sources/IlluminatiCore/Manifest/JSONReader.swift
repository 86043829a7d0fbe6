/// Reads a JSON manifest: an array of objects, or an object whose `images` member is that
/// array. Each object becomes a record known by its 1-based position in the array, and the
/// line where it starts (many records may share a line). Strings are taken as they are and
/// numbers as written; `null` leaves a field out.
enum JSONReader {
    static func records(_ text: String) -> (records: [ManifestRecord], problems: [ManifestProblem]) {
        var parser = Parser(Array(text.utf8))
        do {
            let root = try parser.document()
            let list: Value
            switch root.kind {
            case .array: list = root
            case .object(let members):
                guard let images = members.first(where: { $0.key == "images" })?.value else {
                    return ([], [ManifestProblem(line: root.line, "expected an array of images or an object with an \"images\" array")])
                }
                list = images
            default:
                return ([], [ManifestProblem(line: root.line, "expected an array of images or an object with an \"images\" array")])
            }
            guard case .array(let items) = list.kind else {
                return ([], [ManifestProblem(line: list.line, "\"images\" must be an array")])
            }
            var records: [ManifestRecord] = []
            var problems: [ManifestProblem] = []
            for (position, item) in items.enumerated() {
                let location = ManifestLocation(line: item.line, record: position + 1)
                guard case .object(let members) = item.kind else {
                    problems.append(ManifestProblem(location, "each image must be an object"))
                    continue
                }
                var fields: [String: String] = [:]
                for (key, value) in members {
                    let column = key.trimmed.lowercased()
                    switch value.kind {
                    case .string(let text): if !text.trimmed.isEmpty { fields[column] = text.trimmed }
                    case .number(let text): fields[column] = text
                    case .null: break
                    default: problems.append(ManifestProblem(location, "\(column) must be a string or a number"))
                    }
                }
                records.append(ManifestRecord(location, fields: fields))
            }
            return (records, problems)
        } catch let error as SyntaxError {
            return ([], [ManifestProblem(line: error.line, "invalid JSON: \(error.message)")])
        } catch {
            return ([], [ManifestProblem(line: 0, "invalid JSON")])
        }
    }

    struct SyntaxError: Error { var line: Int; var message: String }

    struct Value {
        enum Kind {
            case object([(key: String, value: Value)])
            case array([Value])
            case string(String)
            case number(String)
            case bool(Bool)
            case null
        }
        var kind: Kind
        var line: Int
    }

    /// A small recursive-descent JSON parser that remembers line numbers.
    struct Parser {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var depth = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        }

        mutating func document() throws -> Value {
            let value = try parseValue()
            skipWhitespace()
            guard index == bytes.count else { throw SyntaxError(line: line, message: "unexpected text after the end") }
            return value
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D: index += 1
                case 0x0A: index += 1; line += 1
                default: return
                }
            }
        }

        mutating func parseValue() throws -> Value {
            skipWhitespace()
            guard index < bytes.count else { throw SyntaxError(line: line, message: "unexpected end") }
            let start = line
            switch bytes[index] {
            case UInt8(ascii: "{"): return Value(kind: try parseObject(), line: start)
            case UInt8(ascii: "["): return Value(kind: try parseArray(), line: start)
            case UInt8(ascii: "\""): return Value(kind: .string(try parseString()), line: start)
            case UInt8(ascii: "t"): try literal("true"); return Value(kind: .bool(true), line: start)
            case UInt8(ascii: "f"): try literal("false"); return Value(kind: .bool(false), line: start)
            case UInt8(ascii: "n"): try literal("null"); return Value(kind: .null, line: start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return Value(kind: .number(try parseNumber()), line: start)
            default: throw SyntaxError(line: line, message: "unexpected character")
            }
        }

        mutating func literal(_ word: String) throws {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw SyntaxError(line: line, message: "unexpected character")
            }
            index += expected.count
        }

        mutating func parseNumber() throws -> String {
            let start = index
            while index < bytes.count, "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard Double(text) != nil else { throw SyntaxError(line: line, message: "bad number \(text)") }
            return text
        }

        mutating func parseString() throws -> String {
            index += 1
            var out: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { break }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard index + 4 <= bytes.count,
                              let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                        else { throw SyntaxError(line: line, message: "bad \\u escape") }
                        index += 4
                        // Surrogate pairs are not needed for manifests; a lone one becomes U+FFFD.
                        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                        out.append(contentsOf: Array(String(scalar).utf8))
                    default: out.append(escape)
                    }
                case 0x0A: throw SyntaxError(line: line, message: "line break inside a string")
                default: out.append(byte)
                }
            }
            throw SyntaxError(line: line, message: "unterminated string")
        }

        mutating func parseArray() throws -> Value.Kind {
            try enter()
            defer { depth -= 1 }
            index += 1
            var items: [Value] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                items.append(try parseValue())
                skipWhitespace()
                guard index < bytes.count else { throw SyntaxError(line: line, message: "unterminated array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                throw SyntaxError(line: line, message: "expected , or ]")
            }
        }

        mutating func parseObject() throws -> Value.Kind {
            try enter()
            defer { depth -= 1 }
            index += 1
            var members: [(key: String, value: Value)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw SyntaxError(line: line, message: "expected a member name")
                }
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw SyntaxError(line: line, message: "expected :") }
                index += 1
                members.append((key, try parseValue()))
                skipWhitespace()
                guard index < bytes.count else { throw SyntaxError(line: line, message: "unterminated object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw SyntaxError(line: line, message: "expected , or }")
            }
        }

        mutating func enter() throws {
            depth += 1
            guard depth < 64 else { throw SyntaxError(line: line, message: "nested too deeply") }
        }
    }
}
