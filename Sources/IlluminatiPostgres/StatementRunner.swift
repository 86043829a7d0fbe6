/// What a store or the queue needs of a database: run a named statement, and run several in
/// one transaction. A connection is one; so is anything that hands statements to a connection
/// it manages (a reconnecting connection), so stores do not depend on the concrete connection
/// class.
public protocol StatementRunner: AnyObject, Sendable {
    @discardableResult
    func run(_ statement: NamedStatement, _ parameters: [any SQLBindable]) throws -> QueryResult

    /// Runs `body` in a transaction; commits if it returns, rolls back if it throws. `body`'s
    /// statements go to the runner it is given.
    func transaction<T>(_ body: (any StatementRunner) throws -> T) throws -> T
}

extension DatabaseConnection: StatementRunner {}
