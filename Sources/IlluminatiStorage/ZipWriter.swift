import Foundation

/// Writes a stored ZIP (`ZipFormat`) into an open file: entries one after the other, then the
/// central directory. Small entries are gathered into one write, so an archive costs a few
/// large writes however many tiles it holds. A job's shard and a `.szi` export are written
/// this way; they differ in what they may grow to (`Capacity`).
final class ZipWriter {
    /// What an archive may grow to.
    enum Capacity {
        /// A ZIP without ZIP64 (`ZipFormat.Limits.plain`), which readers here take: an entry
        /// past its limits is refused, saying how to stay below them.
        case plain(archive: String, advice: String)
        /// ZIP64 records for entries and a directory past `limits` (tests lower them to see
        /// those records without writing 4 GiB).
        case zip64(limits: ZipFormat.Limits = .plain)
    }

    private let file: Int32
    /// Names the file in errors.
    private let path: String
    private let capacity: Capacity
    private var buffer: [UInt8] = []
    /// Bytes of the archive so far, written or buffered.
    private var length = 0
    private(set) var entries: [ZipFormat.Entry] = []
    private var names: Set<String> = []

    /// Bytes gathered before they are written.
    static let bufferSize = 1 << 20

    init(file: Int32, path: String, capacity: Capacity) {
        self.file = file
        self.path = path
        self.capacity = capacity
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Appends an entry. A name given twice is refused; so is, in a plain archive, an entry
    /// that a ZIP without ZIP64 cannot hold (a job's shard never comes near: a job of the
    /// largest batch renders under 22 000 tiles), since readers would not find it.
    func add(_ name: String, _ bytes: UnsafeRawBufferPointer) throws {
        guard names.insert(name).inserted else {
            throw StorageError(path: path, reason: "\(name) is written twice into one archive")
        }
        // Sizes always go in the plain fields: an entry is one tile or document.
        guard bytes.count <= ZipFormat.maximumOffset else {
            throw StorageError(path: path, reason: "\(name) is \(bytes.count) bytes, more than an entry may have")
        }
        var entry = ZipFormat.Entry(name: name, crc32: CRC32.checksum(bytes), size: bytes.count, headerOffset: length)
        switch capacity {
        case .plain(let archive, let advice):
            guard entries.count < ZipFormat.maximumEntries else {
                throw StorageError(path: path, reason: "a \(archive) holds at most \(ZipFormat.maximumEntries) tiles; \(advice)")
            }
            // The central directory starts where the last entry ends: its offset must fit as well.
            guard entry.dataOffset + bytes.count <= ZipFormat.maximumOffset else {
                throw StorageError(path: path, reason: "a \(archive) holds at most 4 GiB; \(advice)")
            }
        case .zip64(let limits):
            entry.zip64Offset = entry.headerOffset > limits.offset
        }
        try append(ZipFormat.localHeader(entry))
        try bytes.withMemoryRebound(to: UInt8.self) { try append($0) }
        entries.append(entry)
    }

    /// Writes the central directory and the end records: the archive is complete.
    func finish() throws {
        let directoryOffset = length
        for entry in entries { try append(ZipFormat.centralHeader(entry)) }
        let limits: ZipFormat.Limits
        switch capacity {
        case .plain: limits = .plain
        case .zip64(let zip64Limits): limits = zip64Limits
        }
        try append(ZipFormat.end(entries: entries.count, directorySize: length - directoryOffset,
                                 directoryOffset: directoryOffset, limits: limits))
        try flush()
    }

    private func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try append($0) }
    }

    private func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        length += bytes.count
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            try writeFully(file, UnsafeRawBufferPointer(bytes), path: path)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { try writeFully(file, $0, path: path) }
        buffer.removeAll(keepingCapacity: true)
    }
}
