/// The one question every front end asks of a failure: would doing it again help?
/// The command line answers with its exit status (2 for bad input, 1 otherwise); the job
/// queue dead-letters a job at once for bad input and retries it otherwise.
public enum ErrorClass: Sendable, Equatable {
    /// What was asked for cannot work as given (a manifest, an argument, a job's input):
    /// repeating it unchanged fails the same way.
    case badInput
    /// Something went wrong while doing it (a disk, a connection, a crash): it may work next time.
    case failure

    /// An error's class; errors that do not say are failures.
    public init(of error: any Error) {
        self = (error as? any ClassifiedError)?.errorClass ?? .failure
    }
}

/// An error that knows whether it is bad input or a failure.
public protocol ClassifiedError: Error {
    var errorClass: ErrorClass { get }
}
