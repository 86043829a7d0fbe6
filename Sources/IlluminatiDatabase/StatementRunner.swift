/// What a store or the queue needs of a database: run a named statement. A connection is
/// one; so is anything that hands statements to a connection it manages (a reconnecting
/// connection, a pool), so stores do not depend on the concrete connection class.
public protocol StatementRunner: AnyObject, Sendable {
    @discardableResult
    func run(_ statement: NamedStatement, _ parameters: [any SQLBindable]) throws -> QueryResult
}

extension DatabaseConnection: StatementRunner {}
