import Foundation
import IlluminatiQueue

/// `--json` output: one document on stdout, in the API's spelling (`QueueListing.encoder`).
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        var data = try QueueListing.encoder().encode(value)
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }
}
