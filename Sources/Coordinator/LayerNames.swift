import Foundation

/// `--layers A,B` of `pyramid` and `export`: the names given, trimmed, empty ones left out;
/// nil (every layer) when the option is not given.
enum LayerNames {
    static func parse(_ option: String?) -> [String]? {
        option.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}
