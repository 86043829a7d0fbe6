import Foundation

/// The fields KEDA 2.x documents for the objects `deploy/kubernetes` uses (the ScaledObject
/// specification, the `postgresql` scaler, TriggerAuthentication): kubernetes-validate has no
/// schema for KEDA's CRDs, so this is the check it would have made, with KEDA's one trap
/// added: trigger metadata is a map of strings, and a YAML number there fails in the cluster.
enum KEDAFields {
    static let apiVersion = "keda.sh/v1alpha1"
    static let scaledObject: Set = ["scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod",
                                    "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers"]
    static let integers = ["pollingInterval", "cooldownPeriod", "initialCooldownPeriod", "idleReplicaCount",
                           "minReplicaCount", "maxReplicaCount"]
    static let scaleTargetRef: Set = ["apiVersion", "kind", "name", "envSourceContainerName"]
    static let trigger: Set = ["type", "name", "metadata", "authenticationRef", "metricType", "useCachedMetrics"]
    static let authenticationRef: Set = ["name", "kind"]
    static let postgresqlMetadata: Set = ["query", "targetQueryValue", "activationTargetQueryValue", "connectionFromEnv",
                                          "host", "port", "userName", "passwordFromEnv", "dbName", "sslmode", "metricName"]
    static let postgresqlAuthentication: Set = ["connection", "password", "host", "port", "userName", "dbName", "sslmode"]
    static let triggerAuthentication: Set = ["secretTargetRef", "env", "configMapTargetRef", "podIdentity", "hashiCorpVault",
                                             "azureKeyVault", "awsSecretManager", "gcpSecretManager", "boundServiceAccountToken"]
    static let secretTargetRef: Set = ["parameter", "name", "key"]

    /// What in a ScaledObject KEDA would reject or misread; empty when nothing.
    static func problems(scaledObject object: [String: Any]) -> [String] {
        var problems = header(object, kind: "ScaledObject")
        guard let spec = object["spec"] as? [String: Any] else { return problems + ["spec is missing"] }
        problems += unknown(spec, allowed: scaledObject, at: "spec", of: "ScaledObject")
        for field in integers where spec[field] != nil && !(spec[field] is Int) { problems.append("spec.\(field) must be an integer") }
        guard let target = spec["scaleTargetRef"] as? [String: Any] else { return problems + ["spec.scaleTargetRef is missing"] }
        problems += unknown(target, allowed: scaleTargetRef, at: "spec.scaleTargetRef", of: "ScaledObject")
        if !(target["name"] is String) { problems.append("spec.scaleTargetRef.name is missing") }
        guard let triggers = spec["triggers"] as? [[String: Any]], !triggers.isEmpty else { return problems + ["spec.triggers is empty"] }
        for entry in triggers { problems += self.problems(trigger: entry) }
        return problems
    }

    static func problems(trigger entry: [String: Any]) -> [String] {
        var problems = unknown(entry, allowed: trigger, at: "trigger", of: "ScaledObject")
        guard entry["type"] as? String == "postgresql" else { return problems + ["trigger type is not postgresql"] }
        if let reference = entry["authenticationRef"] as? [String: Any] {
            problems += unknown(reference, allowed: authenticationRef, at: "authenticationRef", of: "ScaledObject")
        }
        guard let metadata = entry["metadata"] as? [String: Any] else { return problems + ["trigger metadata is missing"] }
        problems += unknown(metadata, allowed: postgresqlMetadata, at: "trigger metadata", of: "the postgresql scaler")
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where !(value is String) {
            problems.append("trigger metadata \(key) must be a string (KEDA reads metadata as strings)")
        }
        if !(metadata["query"] is String) { problems.append("trigger metadata query is missing") }
        if let target = metadata["targetQueryValue"] as? String, !((Double(target) ?? 0) > 0) {
            problems.append("targetQueryValue must be a positive number")
        }
        let connections = ["connectionFromEnv", "host"].filter { metadata[$0] != nil }.count + (entry["authenticationRef"] == nil ? 0 : 1)
        if connections != 1 { problems.append("the trigger needs one way to the database, has \(connections)") }
        return problems
    }

    static func problems(triggerAuthentication object: [String: Any]) -> [String] {
        var problems = header(object, kind: "TriggerAuthentication")
        guard let spec = object["spec"] as? [String: Any] else { return problems + ["spec is missing"] }
        problems += unknown(spec, allowed: triggerAuthentication, at: "spec", of: "TriggerAuthentication")
        for reference in spec["secretTargetRef"] as? [[String: Any]] ?? [] {
            problems += unknown(reference, allowed: secretTargetRef, at: "secretTargetRef", of: "TriggerAuthentication")
            if secretTargetRef.contains(where: { !(reference[$0] is String) }) { problems.append("secretTargetRef needs parameter, name and key") }
            if let parameter = reference["parameter"] as? String, !postgresqlAuthentication.contains(parameter) {
                problems.append("\(parameter) is not a parameter of the postgresql scaler")
            }
        }
        return problems
    }

    private static func header(_ object: [String: Any], kind: String) -> [String] {
        var problems: [String] = []
        if object["apiVersion"] as? String != apiVersion { problems.append("\(kind) apiVersion is not \(apiVersion)") }
        if !(value(object, at: ["metadata", "name"]) is String) { problems.append("\(kind) has no metadata.name") }
        return problems
    }

    private static func unknown(_ object: [String: Any], allowed: Set<String>, at path: String, of owner: String) -> [String] {
        object.keys.filter { !allowed.contains($0) }.sorted().map { "\(path).\($0) is not a field of \(owner)" }
    }
}
