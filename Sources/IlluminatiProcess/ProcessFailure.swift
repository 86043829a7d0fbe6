/// A program that could not be started, or a descriptor it needs that could not be made.
public struct ProcessFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
