/// The part of the ZIP format (PKWARE APPNOTE 6.3) tile shards and `.szi` exports use: stored
/// entries (method 0) with their sizes and CRC-32 in the local header (no data descriptors),
/// no comments, one disk. `unzip`, Python's `zipfile` and every DeepZoom reader of `.szi` files
/// read this; readers here refuse anything else rather than guess.
///
///     local header   30 bytes + name, then the entry's bytes        (per entry)
///     central header 46 bytes + name [+ ZIP64 offset, 12 bytes]     (per entry, after all data)
///     [ZIP64 end record 56 bytes, ZIP64 locator 20 bytes]           (`Zip64Format`)
///     end record     22 bytes: entry count, directory size and offset
/// All integers little-endian. Shards never need ZIP64 (a job's tiles stay far below its
/// limits, `ZipWriter.Capacity.plain`); an export of a whole plate does.
enum ZipFormat {
    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    static let endSignature: UInt32 = 0x0605_4B50
    static let localHeaderSize = 30
    static let centralHeaderSize = 46
    static let endSize = 22

    /// ZIP64 marks its archives with all-ones counts and offsets, so a plain archive stays below them.
    static let maximumEntries = 0xFFFE
    static let maximumOffset = 0xFFFF_FFFE

    /// The largest entry count and offset (or size) written in the plain fields: beyond them
    /// an archive uses ZIP64 records.
    struct Limits: Hashable, Sendable {
        var entries: Int
        var offset: Int

        static let plain = Limits(entries: maximumEntries, offset: maximumOffset)
    }

    /// 1.0: enough for stored entries.
    static let versionNeeded: UInt16 = 10
    /// Made on Unix (3), by a 2.0 writer: `unzip` then applies the mode in the external attributes.
    static let versionMadeBy: UInt16 = 3 << 8 | 20
    /// A regular file, rw-r--r--, in the Unix half of the external attributes.
    static let externalAttributes: UInt32 = 0o100644 << 16
    /// 1980-01-01 00:00, the first MS-DOS date: the same tiles always make the same shard bytes.
    static let dosTime: UInt16 = 0
    static let dosDate: UInt16 = 1 << 5 | 1

    /// One stored entry: where its local header starts, its size and checksum.
    struct Entry: Hashable, Sendable {
        var name: String
        var crc32: UInt32
        var size: Int
        var headerOffset: Int
        /// Its local header starts past the plain limits: the central header gives its offset
        /// in a ZIP64 extra field.
        var zip64Offset = false

        /// Where the entry's bytes start: after its local header (which has no extra field).
        var dataOffset: Int { headerOffset + localHeaderSize + name.utf8.count }
    }

    static func localHeader(_ entry: Entry) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(localHeaderSize + entry.name.utf8.count)
        bytes.appendLittleEndian(localHeaderSignature)
        appendDescription(of: entry, extraLength: 0, to: &bytes)
        bytes.append(contentsOf: entry.name.utf8)
        return bytes
    }

    static func centralHeader(_ entry: Entry) -> [UInt8] {
        let extra = entry.zip64Offset ? Zip64Format.offsetField(entry.headerOffset) : []
        var bytes: [UInt8] = []
        bytes.reserveCapacity(centralHeaderSize + entry.name.utf8.count + extra.count)
        bytes.appendLittleEndian(centralHeaderSignature)
        bytes.appendLittleEndian(versionMadeBy)
        appendDescription(of: entry, extraLength: extra.count, to: &bytes)
        bytes.appendLittleEndian(UInt16(0))  // comment
        bytes.appendLittleEndian(UInt16(0))  // disk
        bytes.appendLittleEndian(UInt16(0))  // internal attributes
        bytes.appendLittleEndian(externalAttributes)
        bytes.appendLittleEndian(entry.zip64Offset ? UInt32.max : UInt32(entry.headerOffset))
        bytes.append(contentsOf: entry.name.utf8)
        bytes.append(contentsOf: extra)
        return bytes
    }

    /// The 26 bytes both headers give an entry, from the version needed to the extra field's length.
    private static func appendDescription(of entry: Entry, extraLength: Int, to bytes: inout [UInt8]) {
        bytes.appendLittleEndian(entry.zip64Offset ? Zip64Format.versionNeeded : versionNeeded)
        bytes.appendLittleEndian(UInt16(0))  // flags
        bytes.appendLittleEndian(UInt16(0))  // method: stored
        bytes.appendLittleEndian(dosTime)
        bytes.appendLittleEndian(dosDate)
        bytes.appendLittleEndian(entry.crc32)
        bytes.appendLittleEndian(UInt32(entry.size))  // compressed
        bytes.appendLittleEndian(UInt32(entry.size))  // uncompressed
        bytes.appendLittleEndian(UInt16(entry.name.utf8.count))
        bytes.appendLittleEndian(UInt16(extraLength))
    }

    /// What follows the central directory: the end record, after the ZIP64 end record and its
    /// locator when the count, size or offset is past `limits` (then those fields of the end
    /// record are all ones, which tells readers to look for ZIP64).
    static func end(entries: Int, directorySize: Int, directoryOffset: Int, limits: Limits = .plain) -> [UInt8] {
        let manyEntries = entries > limits.entries
        let farDirectory = directoryOffset > limits.offset, largeDirectory = directorySize > limits.offset
        var bytes: [UInt8] = []
        if manyEntries || farDirectory || largeDirectory {
            bytes = Zip64Format.endRecords(entries: entries, directorySize: directorySize, directoryOffset: directoryOffset)
        }
        bytes.reserveCapacity(bytes.count + endSize)
        bytes.appendLittleEndian(endSignature)
        bytes.appendLittleEndian(UInt16(0))  // this disk
        bytes.appendLittleEndian(UInt16(0))  // the directory's disk
        bytes.appendLittleEndian(manyEntries ? UInt16.max : UInt16(entries))  // on this disk
        bytes.appendLittleEndian(manyEntries ? UInt16.max : UInt16(entries))  // in all
        bytes.appendLittleEndian(largeDirectory ? UInt32.max : UInt32(directorySize))
        bytes.appendLittleEndian(farDirectory ? UInt32.max : UInt32(directoryOffset))
        bytes.appendLittleEndian(UInt16(0))  // comment
        return bytes
    }

    /// Where the central directory lies, from the end of an archive (`tail`, its last bytes,
    /// which may include a comment of up to 65535 bytes after the end record).
    static func directoryExtent(tail: UnsafeRawBufferPointer) throws(ZipFormatError) -> (entries: Int, size: Int, offset: Int) {
        guard tail.count >= endSize else { throw ZipFormatError("shorter than a ZIP end record") }
        var start = tail.count - endSize
        while true {
            if tail.littleEndian(at: start, as: UInt32.self) == endSignature
                && start + endSize + Int(tail.littleEndian(at: start + 20, as: UInt16.self)) == tail.count {
                break
            }
            guard start > 0 else { throw ZipFormatError("no ZIP end record") }
            start -= 1
        }
        let disk = tail.littleEndian(at: start + 4, as: UInt16.self), directoryDisk = tail.littleEndian(at: start + 6, as: UInt16.self)
        let onDisk = Int(tail.littleEndian(at: start + 8, as: UInt16.self)), entries = Int(tail.littleEndian(at: start + 10, as: UInt16.self))
        let size = Int(tail.littleEndian(at: start + 12, as: UInt32.self)), offset = Int(tail.littleEndian(at: start + 16, as: UInt32.self))
        guard disk == 0, directoryDisk == 0, onDisk == entries else { throw ZipFormatError("a ZIP split over several disks") }
        guard entries <= maximumEntries, offset <= maximumOffset else { throw ZipFormatError("a ZIP64 archive") }
        return (entries, size, offset)
    }

    /// The entries of a central directory.
    static func entries(directory: UnsafeRawBufferPointer, count: Int) throws(ZipFormatError) -> [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var at = 0
        for _ in 0..<count {
            guard at + centralHeaderSize <= directory.count,
                  directory.littleEndian(at: at, as: UInt32.self) == centralHeaderSignature else {
                throw ZipFormatError("central directory entry \(entries.count) is damaged")
            }
            let method = directory.littleEndian(at: at + 10, as: UInt16.self)
            let crc = directory.littleEndian(at: at + 16, as: UInt32.self)
            let compressed = Int(directory.littleEndian(at: at + 20, as: UInt32.self))
            let size = Int(directory.littleEndian(at: at + 24, as: UInt32.self))
            let nameLength = Int(directory.littleEndian(at: at + 28, as: UInt16.self))
            let extraLength = Int(directory.littleEndian(at: at + 30, as: UInt16.self))
            let commentLength = Int(directory.littleEndian(at: at + 32, as: UInt16.self))
            let headerOffset = Int(directory.littleEndian(at: at + 42, as: UInt32.self))
            let end = at + centralHeaderSize + nameLength + extraLength + commentLength
            guard end <= directory.count else { throw ZipFormatError("central directory entry \(entries.count) is cut short") }
            guard method == 0, compressed == size else {
                throw ZipFormatError("entry \(entries.count) is compressed (method \(method)); shards store their tiles")
            }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: directory[(at + centralHeaderSize)..<(at + centralHeaderSize + nameLength)]),
                              as: UTF8.self)
            entries.append(Entry(name: name, crc32: crc, size: size, headerOffset: headerOffset))
            at = end
        }
        return entries
    }

    /// Whether `header` (an entry's local header and name, as read from the archive) is the
    /// one `entry` of the central directory describes: a shard replaced since its directory
    /// was read no longer matches.
    static func localHeader(_ header: UnsafeRawBufferPointer, matches entry: Entry) -> Bool {
        let name = entry.name.utf8
        return header.count == localHeaderSize + name.count
            && header.littleEndian(at: 0, as: UInt32.self) == localHeaderSignature
            && header.littleEndian(at: 6, as: UInt16.self) & 0x0008 == 0  // no data descriptor
            && header.littleEndian(at: 8, as: UInt16.self) == 0
            && header.littleEndian(at: 14, as: UInt32.self) == entry.crc32
            && Int(header.littleEndian(at: 18, as: UInt32.self)) == entry.size
            && Int(header.littleEndian(at: 22, as: UInt32.self)) == entry.size
            && Int(header.littleEndian(at: 26, as: UInt16.self)) == name.count
            && header.littleEndian(at: 28, as: UInt16.self) == 0
            && header[localHeaderSize...].elementsEqual(name)
    }
}

/// An archive that is not a ZIP of the kind shards are.
struct ZipFormatError: Error, Equatable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

extension UnsafeRawBufferPointer {
    func littleEndian<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
