import IlluminatiBuild
import IlluminatiCoordinator
import IlluminatiCore
import IlluminatiDatabase
import IlluminatiPyramid
import IlluminatiQueue
import IlluminatiStorage
import Testing

/// The exit status (2 or 1) and the queue's verdict (dead letter or retry) both come from
/// this classification; these are the cases the command line's tests and the queue's rely on.
@Suite
struct ErrorClassTests {
    struct Unclassified: Error {}

    @Test func badInputIsWhatTheUserOrAJobAskedFor() {
        let badInput: [any Error] = [
            InputError("bad name"),
            BuildError.noBuild(experiment: "x"),
            ExperimentStoreError.notFound("x"),
            ManifestError(source: "m.csv", problems: []),
            PyramidError.unknownLayer("x"),
            PyramidError.unsupportedGeometry("x"),
            PyramidError.correction(channel: "c", reason: "r"),
            PermanentJobError("never"),
        ]
        for error in badInput { #expect(ErrorClass(of: error) == .badInput, "\(error)") }
    }

    @Test func everythingElseIsAFailureThatMayPassNextTime() {
        let failures: [any Error] = [
            Unclassified(),
            StorageError(path: "p", reason: "disk full"),
            PyramidError.intermediate(path: "p", reason: "missing"),
            PyramidError.invalidJob(job: "j", reason: "r"),
        ]
        for error in failures { #expect(ErrorClass(of: error) == .failure, "\(error)") }
    }
}
