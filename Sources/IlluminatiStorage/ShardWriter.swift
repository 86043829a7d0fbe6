import Foundation

/// Writes a stored ZIP (`ZipFormat`) into an open file: entries one after the other, then the
/// central directory. Small entries are gathered into one write, so a job's shard costs a
/// few large writes however many tiles it holds.
final class ShardWriter {
    private let file: Int32
    /// Names the file in errors.
    private let path: String
    private var buffer: [UInt8] = []
    /// Bytes of the archive so far, written or buffered.
    private var length = 0
    private(set) var entries: [ZipFormat.Entry] = []
    private var names: Set<String> = []

    /// Bytes gathered before they are written.
    static let bufferSize = 1 << 20

    init(file: Int32, path: String) {
        self.file = file
        self.path = path
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Appends an entry. A name given twice, more entries than a ZIP without ZIP64 holds, or
    /// an archive past 4 GiB is refused: a job's shard never comes near them (a job of the
    /// largest batch renders under 22 000 tiles), and a reader would not find them.
    func add(_ name: String, _ bytes: UnsafeRawBufferPointer) throws {
        guard names.insert(name).inserted else {
            throw StorageError(path: path, reason: "\(name) is written twice into one shard")
        }
        guard entries.count < ZipFormat.maximumEntries else {
            throw StorageError(path: path, reason: "a shard holds at most \(ZipFormat.maximumEntries) tiles; use a smaller batch size")
        }
        let entry = ZipFormat.Entry(name: name, crc32: CRC32.checksum(bytes), size: bytes.count, headerOffset: length)
        // The central directory starts where the last entry ends: its offset must fit as well.
        guard entry.dataOffset + bytes.count <= ZipFormat.maximumOffset else {
            throw StorageError(path: path, reason: "a shard holds at most 4 GiB; use a smaller batch size")
        }
        try append(ZipFormat.localHeader(entry))
        try bytes.withMemoryRebound(to: UInt8.self) { try append($0) }
        entries.append(entry)
    }

    /// Writes the central directory and the end record: the archive is complete.
    func finish() throws {
        let directoryOffset = length
        for entry in entries { try append(ZipFormat.centralHeader(entry)) }
        try append(ZipFormat.endRecord(entries: entries.count, directorySize: length - directoryOffset,
                                       directoryOffset: directoryOffset))
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
