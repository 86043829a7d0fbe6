/// `text` as a Swift raw string literal, byte for byte: its lines start at the left margin
/// and the delimiter has more `#`s than any `"#…` or `#…"` run in the text.
func rawStringLiteral(_ text: String) -> String {
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains(hashes + "\"") { hashes += "#" }
    return hashes + "\"\"\"\n" + text + "\n\"\"\"" + hashes
}
