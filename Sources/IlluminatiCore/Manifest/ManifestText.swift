/// A manifest file's bytes as text. Manifests must be UTF-8 (with or without a byte-order
/// mark); anything else is refused with the line of the first bad byte, rather than decoded
/// by guesswork into plate or channel names nobody typed.
public enum ManifestText {
    public static func decode(_ bytes: [UInt8]) -> Result<String, ManifestProblem> {
        if let text = String(validating: bytes, as: UTF8.self) { return .success(text) }
        let offset = firstInvalidByte(bytes)
        let line = 1 + bytes[..<offset].count { $0 == 0x0A }
        let byte = "0x" + String(bytes[offset], radix: 16, uppercase: true)
        return .failure(ManifestProblem(line: 0,
            "not UTF-8 (line \(line)): byte \(byte) is not valid UTF-8; save the manifest as UTF-8 (was it written as Latin-1 or Windows-1252?)"))
    }

    /// Offset of the first byte that does not belong to a valid UTF-8 sequence.
    static func firstInvalidByte(_ bytes: [UInt8]) -> Int {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return bytes.count
            case .error: return min(offset, bytes.count - 1)
            }
        }
    }
}
