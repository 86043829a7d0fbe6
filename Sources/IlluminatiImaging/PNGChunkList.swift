import Foundation

/// A PNG's chunk list, walked from header to header without decoding anything: every chunk
/// must lie inside the file, image data (IDAT) must be present, and the list must reach
/// IEND. A PNG cut anywhere after its header fails one of these, so `probe` refuses it
/// instead of the job that first decodes it.
enum PNGChunkList {
    /// Why the chunk list is broken, or nil. `read(offset, count)` returns up to `count`
    /// bytes of the file from `offset`.
    static func problem(fileSize: Int, read: (Int, Int) throws -> [UInt8]) rethrows -> String? {
        var position = 8  // after the signature
        var sawImageData = false
        while true {
            guard position + 8 <= fileSize else {
                return "truncated PNG: the file ends at byte \(fileSize) before the IEND chunk"
            }
            let header = try read(position, 8)
            guard header.count == 8 else { return "truncated PNG: cannot read the chunk at byte \(position)" }
            let length = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
            let typeBytes = header[4..<8]
            guard length <= Int(Int32.max), typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                return "damaged PNG: no valid chunk at byte \(position)"
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            let end = position + 12 + length  // length, type, data, CRC
            guard end <= fileSize else {
                return "truncated PNG: the \(type) chunk at byte \(position) needs \(12 + length) bytes but the file ends after \(fileSize - position)"
            }
            switch type {
            case "IDAT": sawImageData = true
            case "IEND": return sawImageData ? nil : "damaged PNG: no image data (IDAT chunk)"
            default: break
            }
            position = end
        }
    }
}

extension PNGFile {
    /// `PNGChunkList.problem` for the file at `path`.
    static func checkChunkList(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ImageFailure("cannot open: \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ImageFailure("cannot stat: \(errnoText())") }
        let problem = try PNGChunkList.problem(fileSize: Int(info.st_size)) { offset, count in
            var bytes = [UInt8](repeating: 0, count: count)
            let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            guard got >= 0 else { throw ImageFailure("cannot read: \(errnoText())") }
            return Array(bytes.prefix(got))
        }
        if let problem { throw ImageFailure(problem) }
    }
}
