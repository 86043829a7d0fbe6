/// Prometheus' own linter on a scrape of `/metrics`.
public enum Promtool {
    /// `promtool check metrics` with `text` on its standard input: a clean page is exit status 0
    /// and no output (a page that breaks a convention exits 3 and names the family).
    public static func checkMetrics(_ text: String) throws -> (status: Int32, output: String) {
        try FieldTools.run(try FieldTools.system("promtool"), ["check", "metrics"], input: text, timeout: .seconds(60))
    }
}
