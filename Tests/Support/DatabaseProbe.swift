import IlluminatiPostgres

extension DatabaseConnection {
    /// A test's look at the database: the column `v` of the one row its query returns, as text
    /// (`SELECT state AS v …`); nil for NULL.
    public func probe(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> String? {
        try execute(sql, parameters.map(\.sqlValue), name: "probe").one().optionalString("v")
    }

    /// `probe` of a query whose value is never NULL.
    public func probeValue(_ sql: String, _ parameters: [any SQLBindable] = []) throws -> String {
        guard let value = try probe(sql, parameters) else { throw TestSupportError("NULL from: \(sql)") }
        return value
    }
}
