/// The ZIP64 records (PKWARE APPNOTE 6.3, 4.3.14–4.3.15 and 4.5.3) a `.szi` export needs
/// once it holds more than 65 534 entries or more than 4 GiB, as an export of a whole plate
/// does: entries stay small (a tile), so only where an entry starts and the central
/// directory's count, size and place can outgrow the plain fields.
///
///     central header's extra field   id 0x0001, 8 bytes: the local header's offset
///     ZIP64 end record               56 bytes: entry counts, directory size and offset, 64 bits each
///     ZIP64 end locator              20 bytes: where the ZIP64 end record starts
enum Zip64Format {
    static let endSignature: UInt32 = 0x0606_4B50
    static let locatorSignature: UInt32 = 0x0706_4B50
    static let endSize = 56
    static let locatorSize = 20
    static let extraID: UInt16 = 0x0001
    /// 4.5: what an entry or archive that uses ZIP64 needs.
    static let versionNeeded: UInt16 = 45

    /// The extra field that gives an entry's local header offset.
    static func offsetField(_ offset: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        bytes.appendLittleEndian(extraID)
        bytes.appendLittleEndian(UInt16(8))
        bytes.appendLittleEndian(UInt64(offset))
        return bytes
    }

    /// The ZIP64 end record, written right after the central directory, and its locator.
    static func endRecords(entries: Int, directorySize: Int, directoryOffset: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(endSize + locatorSize)
        bytes.appendLittleEndian(endSignature)
        bytes.appendLittleEndian(UInt64(endSize - 12))  // the record's size after this field
        bytes.appendLittleEndian(ZipFormat.versionMadeBy & 0xFF00 | versionNeeded)
        bytes.appendLittleEndian(versionNeeded)
        bytes.appendLittleEndian(UInt32(0))  // this disk
        bytes.appendLittleEndian(UInt32(0))  // the directory's disk
        bytes.appendLittleEndian(UInt64(entries))  // on this disk
        bytes.appendLittleEndian(UInt64(entries))  // in all
        bytes.appendLittleEndian(UInt64(directorySize))
        bytes.appendLittleEndian(UInt64(directoryOffset))

        bytes.appendLittleEndian(locatorSignature)
        bytes.appendLittleEndian(UInt32(0))  // the ZIP64 end record's disk
        bytes.appendLittleEndian(UInt64(directoryOffset + directorySize))
        bytes.appendLittleEndian(UInt32(1))  // disks in all
        return bytes
    }
}
