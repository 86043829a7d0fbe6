import Foundation
import IlluminatiCore

/// Reads a manifest file as text; a file that is not UTF-8 is a manifest problem (exit 2)
/// that names the line of the first bad byte.
enum ManifestFile {
    static func text(at path: String) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputError("cannot read manifest \(path): \(reason(error))")
        }
        switch ManifestText.decode(Array(data)) {
        case .success(let text): return text
        case .failure(let problem): throw ManifestError(source: path, problems: [problem])
        }
    }

    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return nsError.localizedDescription
    }
}
