/// The rows of a statement's result, copied out of libpq, with typed column access that
/// names the column and statement when a value is missing or malformed.
public struct QueryResult: Sendable {
    public let statement: String
    public let columns: [String]
    public let rows: [Row]
    /// Rows changed by INSERT/UPDATE/DELETE (libpq's PQcmdTuples), 0 otherwise.
    public let affectedRows: Int

    public struct Row: Sendable {
        let statement: String
        let columnIndex: [String: Int]
        public let values: [String?]

        public func optionalString(_ column: String) throws -> String? {
            guard let index = columnIndex[column] else {
                throw DatabaseError.unexpectedResult(statement: statement, reason: "no column \(column)")
            }
            return values[index]
        }

        public func optionalInt(_ column: String) throws -> Int? {
            guard let text = try optionalString(column) else { return nil }
            guard let value = Int(text) else {
                throw DatabaseError.unexpectedResult(statement: statement, reason: "\(column) = \(text) is not an integer")
            }
            return value
        }

        public func optionalInt64(_ column: String) throws -> Int64? { try optionalInt(column).map(Int64.init) }

        public func optionalDouble(_ column: String) throws -> Double? {
            guard let text = try optionalString(column) else { return nil }
            guard let value = Double(text) else {
                throw DatabaseError.unexpectedResult(statement: statement, reason: "\(column) = \(text) is not a number")
            }
            return value
        }

        public func optionalBool(_ column: String) throws -> Bool? {
            switch try optionalString(column) {
            case nil: return nil
            case "t": return true
            case "f": return false
            case let other?:
                throw DatabaseError.unexpectedResult(statement: statement, reason: "\(column) = \(other) is not a boolean")
            }
        }

        public func string(_ column: String) throws -> String { try nonNull(optionalString(column), column) }
        public func int(_ column: String) throws -> Int { try nonNull(optionalInt(column), column) }
        public func int64(_ column: String) throws -> Int64 { try nonNull(optionalInt64(column), column) }
        public func double(_ column: String) throws -> Double { try nonNull(optionalDouble(column), column) }
        public func bool(_ column: String) throws -> Bool { try nonNull(optionalBool(column), column) }

        private func nonNull<Value>(_ value: Value?, _ column: String) throws -> Value {
            guard let value else {
                throw DatabaseError.unexpectedResult(statement: statement, reason: "\(column) is NULL")
            }
            return value
        }
    }

    /// The single row of a `:one` statement.
    public func one() throws -> Row {
        guard rows.count == 1 else {
            throw DatabaseError.unexpectedResult(statement: statement, reason: "expected one row, got \(rows.count)")
        }
        return rows[0]
    }

    /// The row of a `:opt` statement, or nil when there is none.
    public func oneOrNone() throws -> Row? {
        guard rows.count <= 1 else {
            throw DatabaseError.unexpectedResult(statement: statement, reason: "expected at most one row, got \(rows.count)")
        }
        return rows.first
    }
}
