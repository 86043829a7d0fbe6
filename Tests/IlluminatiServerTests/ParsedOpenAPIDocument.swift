import Foundation
import IlluminatiTestSupport

/// The server's OpenAPI document as the tests read it: parsed JSON, with `$ref`s followed.
struct ParsedOpenAPIDocument {
    let root: [String: Any]

    init(_ bytes: [UInt8]) throws {
        guard let root = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw TestSupportError("the OpenAPI document is not a JSON object")
        }
        self.root = root
    }

    var paths: [String: [String: Any]] { (root["paths"] as? [String: [String: Any]]) ?? [:] }
    var components: [String: [String: Any]] { (root["components"] as? [String: [String: Any]]) ?? [:] }

    /// The object a `{"$ref": "#/components/<section>/<name>"}` names (nil when none), or `object` itself.
    func resolved(_ object: [String: Any]) -> [String: Any]? {
        guard let reference = object["$ref"] as? String else { return object }
        let parts = reference.split(separator: "/").map(String.init)
        guard parts.count == 4, parts[0] == "#", parts[1] == "components",
              let target = components[parts[2]]?[parts[3]] as? [String: Any] else { return nil }
        return resolved(target)
    }

    /// The path item's parameters (every operation's), then the operation's own.
    func parameters(_ path: String, method: String? = nil) -> [[String: Any]] {
        let item = paths[path] ?? [:]
        let own = method.flatMap { (item[$0] as? [String: Any])?["parameters"] as? [[String: Any]] } ?? []
        return (((item["parameters"] as? [[String: Any]]) ?? []) + own).compactMap(resolved)
    }
}
