import Foundation
import IlluminatiTestSupport

/// The files under `deploy/` that users hand to Kubernetes and Slurm, read as those engines
/// read them.
enum DeployFiles {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../deploy").standardized.path

    static func path(_ relative: String) -> String { folder + "/" + relative }

    /// The Kubernetes manifests: every YAML file of `deploy/kubernetes`.
    static func kubernetesManifests() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path("kubernetes"))
            .filter { $0.hasSuffix(".yaml") }.sorted().map { path("kubernetes/" + $0) }
    }

    /// Every document of a YAML file as JSON objects, parsed by PyYAML (the parser
    /// kubernetes-validate uses, installed with it into `.build/field-tools`).
    static func documents(_ file: String) throws -> [[String: Any]] {
        let script = "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d]))"
        let outcome = try FieldTools.run(try FieldTools.python("python"), ["-c", script, file])
        guard outcome.status == 0 else { throw TestSupportError("cannot parse \(file): \(outcome.output)") }
        guard let documents = try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [[String: Any]] else {
            throw TestSupportError("\(file) holds something other than YAML mappings")
        }
        return documents
    }

    /// The objects of `kind` in the Kubernetes manifests.
    static func objects(kind: String) throws -> [[String: Any]] {
        try kubernetesManifests().flatMap { try documents($0) }.filter { $0["kind"] as? String == kind }
    }

    /// The one object of `kind` named `name` in the Kubernetes manifests.
    static func object(kind: String, name: String) throws -> [String: Any] {
        let named = try objects(kind: kind).filter { value($0, at: ["metadata", "name"]) as? String == name }
        guard named.count == 1, let object = named.first else {
            throw TestSupportError("deploy/kubernetes holds \(named.count) objects \(kind)/\(name), expected one")
        }
        return object
    }
}

/// A path into decoded JSON: `value(at: ["spec", "triggers", 0, "type"])`.
func value(_ root: Any, at path: [Any]) -> Any? {
    path.reduce(Optional(root)) { node, key in
        switch (node, key) {
        case (let object as [String: Any], let name as String): object[name]
        case (let array as [Any], let index as Int): array.indices.contains(index) ? array[index] : nil
        default: nil
        }
    }
}
