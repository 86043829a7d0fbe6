/// A statement parameter, sent in PostgreSQL's text format (the server casts it to the
/// parameter's type), or NULL.
public struct SQLValue: Sendable, Equatable {
    public let text: String?

    public init(text: String?) { self.text = text }

    public static let null = SQLValue(text: nil)
}

/// Types that can be bound to a `$n` parameter.
public protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable { public var sqlValue: SQLValue { SQLValue(text: self) } }
extension Int: SQLBindable { public var sqlValue: SQLValue { SQLValue(text: String(self)) } }
extension Int32: SQLBindable { public var sqlValue: SQLValue { SQLValue(text: String(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { SQLValue(text: String(self)) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { SQLValue(text: self ? "t" : "f") } }
extension Double: SQLBindable {
    public var sqlValue: SQLValue {
        if isNaN { return SQLValue(text: "NaN") }
        if isInfinite { return SQLValue(text: self > 0 ? "Infinity" : "-Infinity") }
        return SQLValue(text: "\(self)")
    }
}
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// A one-dimensional array parameter in PostgreSQL's array text format (`{"a","b",NULL}`),
/// for statements that `unnest` parallel arrays to insert many rows at once.
extension Array: SQLBindable where Element: SQLBindable {
    public var sqlValue: SQLValue {
        var out = "{"
        for (index, element) in enumerated() {
            if index > 0 { out += "," }
            guard let text = element.sqlValue.text else { out += "NULL"; continue }
            out += "\""
            for character in text.unicodeScalars {
                if character == "\"" || character == "\\" { out += "\\" }
                out.unicodeScalars.append(character)
            }
            out += "\""
        }
        return SQLValue(text: out + "}")
    }
}
