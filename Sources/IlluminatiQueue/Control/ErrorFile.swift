import Foundation

/// The file an error message names, if any: what an operator fixes before retrying a dead
/// letter. Image errors start with the file's absolute path (`/data/plate/A01_s0.tif: truncated
/// strip`); the first absolute path whose last component has an extension is taken.
public enum ErrorFile {
    public static func named(in message: String) -> String? {
        let trimmed = CharacterSet(charactersIn: "\"'`()[]{}<>,;:")
        for token in message.split(whereSeparator: \.isWhitespace) {
            let path = token.trimmingCharacters(in: trimmed)
            guard path.hasPrefix("/"), let last = path.split(separator: "/").last,
                  let dot = last.lastIndex(of: "."), dot != last.startIndex, last.index(after: dot) != last.endIndex
            else { continue }
            return path
        }
        return nil
    }
}
