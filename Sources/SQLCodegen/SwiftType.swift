/// A Swift type as an annotation writes it: a name (`Int64`, `WorkerID`), an optional (`T?`)
/// or an array (`[T]`). No spaces, no generics but arrays.
indirect enum SwiftType: Equatable, CustomStringConvertible {
    case named(String)
    case optional(SwiftType)
    case array(SwiftType)

    init?(parsing text: Substring) {
        if text.hasSuffix("?") {
            guard let wrapped = SwiftType(parsing: text.dropLast()) else { return nil }
            if case .optional = wrapped { return nil }
            self = .optional(wrapped)
        } else if text.hasPrefix("["), text.hasSuffix("]"), text.count > 2 {
            guard let element = SwiftType(parsing: text.dropFirst().dropLast()) else { return nil }
            self = .array(element)
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.allSatisfy({ Identifier.isTypeName($0) }) else { return nil }
            self = .named(String(text))
        }
    }

    var description: String {
        switch self {
        case .named(let name): name
        case .optional(let wrapped): "\(wrapped)?"
        case .array(let element): "[\(element)]"
        }
    }

    /// The `QueryResult.Row` method that reads a column of this type; nil for a type a row
    /// cannot read (a custom type is made from one of these at the call site).
    var rowAccessor: String? {
        let plain = ["String": "string", "Int": "int", "Int64": "int64", "Double": "double", "Bool": "bool"]
        switch self {
        case .named(let name): return plain[name]
        case .optional(.named(let name)):
            return plain[name].map { "optional" + $0.prefix(1).uppercased() + $0.dropFirst() }
        default: return nil
        }
    }

    static let readableInRows = "String, Int, Int64, Double or Bool, each optionally with ?"
}
