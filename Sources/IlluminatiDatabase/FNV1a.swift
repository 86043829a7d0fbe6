/// 64-bit FNV-1a: a stable hash for checksums and short names. Swift's `Hasher` is seeded per
/// process, so it cannot name anything that must be found again by the next run.
func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}
