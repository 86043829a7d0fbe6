import Foundation

/// Checks that run before any decoder sees a file, so that the common mistakes (missing
/// file, empty file, directory, JPEG renamed to .tif) get a plain-words reason instead of a
/// decoder's complaint about a bad directory offset.
enum FileSniffer {
    /// The format the extension promises, after checking that the content agrees.
    static func checkedFormat(of path: String) throws -> ImageFileFormat {
        guard let expected = ImageFileFormat(path: path) else {
            throw ImageFailure("unsupported file extension (expected .tif, .tiff or .png)")
        }
        let head = try readHead(path)
        switch detect(head) {
        case expected?:
            return expected
        case let other?:
            throw ImageFailure("file content is \(other.displayName) but the extension says \(expected.displayName)")
        case nil:
            throw ImageFailure("not a \(expected.displayName) file (starts with \(describe(head)))")
        }
    }

    /// Which container the first bytes belong to, if any we read.
    static func detect(_ head: [UInt8]) -> ImageFileFormat? {
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        // Classic TIFF (42) and BigTIFF (43), either byte order.
        for magic: [UInt8] in [[0x49, 0x49, 42, 0], [0x4D, 0x4D, 0, 42], [0x49, 0x49, 43, 0], [0x4D, 0x4D, 0, 43]]
        where head.starts(with: magic) {
            return .tiff
        }
        return nil
    }

    /// Up to the first 8 bytes, after the checks that need no decoder.
    private static func readHead(_ path: String) throws -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ImageFailure(errno == ENOENT ? "file not found" : "cannot access: \(errnoText())")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ImageFailure((info.st_mode & S_IFMT) == S_IFDIR ? "is a directory, not an image file"
                                                                  : "not a regular file")
        }
        guard info.st_size > 0 else { throw ImageFailure("empty file (0 bytes)") }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ImageFailure("cannot open: \(errnoText())") }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 8)
        let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n >= 0 else { throw ImageFailure("cannot read: \(errnoText())") }
        return Array(head.prefix(n))
    }

    private static func describe(_ head: [UInt8]) -> String {
        let hex = head.prefix(4).map { String($0, radix: 16, uppercase: true) }
            .map { $0.count == 1 ? "0x0" + $0 : "0x" + $0 }
        return hex.joined(separator: " ")
    }
}

func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
