import Foundation

/// Writes a file under a temporary name in the same directory and renames it into place,
/// so a crash or a concurrent reader never sees half an image at the final path.
enum AtomicFile {
    static func write(to path: String, _ body: (_ temporaryPath: String) throws -> Void) throws {
        let directory = (path as NSString).deletingLastPathComponent
        var info = stat()
        let dirPath = directory.isEmpty ? "." : directory
        guard stat(dirPath, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ImageFailure("directory \(dirPath) does not exist")
        }
        let name = (path as NSString).lastPathComponent
        // Hidden and unique per process and call, so parallel writers never share a temp file.
        let temporary = (directory.isEmpty ? "" : directory + "/")
            + ".\(name).tmp-\(getpid())-\(UUID().uuidString.prefix(8))"
        do {
            try body(temporary)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = errnoText()
            unlink(temporary)
            throw ImageFailure("cannot move the written file into place: \(reason)")
        }
    }
}
