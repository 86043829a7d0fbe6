import IlluminatiCore

/// A problem with what the user asked for, as opposed to a failure while doing it.
public struct InputError: ClassifiedError, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
    public var errorClass: ErrorClass { .badInput }
}
