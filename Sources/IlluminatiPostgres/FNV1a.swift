/// 64-bit FNV-1a: a stable hash for checksums, short names and ETags. Swift's `Hasher` is
/// seeded per process, so it cannot name anything that must be found again by the next run.
public func fnv1a64<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}

public func fnv1a64(_ text: String) -> UInt64 { fnv1a64(text.utf8) }
