import Foundation
import IlluminatiTestSupport
import Testing

/// `deploy/kubernetes`: the core objects against Kubernetes' own schemas (kubernetes-validate,
/// strict: an unknown field fails), and KEDA's objects, whose CRDs kubernetes-validate has no
/// schema for, against the fields KEDA documents (KEDAFields), with the references between
/// the files and the worker's stop timing.
@Suite(.tags(.process)) struct KubernetesManifestTests {
    @Test func coreObjectsPassKubernetesSchemasStrictly() throws {
        let validator = try FieldTools.python("kubernetes-validate")
        let manifests = try DeployFiles.kubernetesManifests()
        let outcome = try FieldTools.run(validator, ["--strict"] + manifests)

        #expect(outcome.status == 0, "\(outcome.output)")
        var core = 0
        for manifest in manifests {
            for object in try DeployFiles.documents(manifest) {
                let kind = try #require(object["kind"] as? String), name = try #require(value(object, at: ["metadata", "name"]) as? String)
                if (object["apiVersion"] as? String)?.hasPrefix("keda.sh/") == true {
                    #expect(outcome.output.contains("Couldn't find schema for kind \(kind)"), "\(outcome.output)")
                } else {
                    core += 1
                    #expect(outcome.output.contains("passed for resource \(kind.lowercased())/\(name)"), "\(outcome.output)")
                }
            }
        }
        #expect(core == 5, "a PersistentVolumeClaim, two Deployments, a Service and a Job: \(outcome.output)")
    }

    @Test func strictValidationRejectsAFieldKubernetesDoesNotHave() throws {
        let validator = try FieldTools.python("kubernetes-validate")
        let folder = TemporaryDirectory.make(prefix: "illuminati-manifest")
        defer { folder.remove() }
        let worker = try String(contentsOfFile: DeployFiles.path("kubernetes/worker.yaml"), encoding: .utf8)
        let misspelt = worker.replacingOccurrences(of: "terminationGracePeriodSeconds:", with: "terminationGracePeriod:")
        #expect(misspelt != worker)
        try misspelt.write(toFile: folder.file("worker.yaml"), atomically: true, encoding: .utf8)

        let outcome = try FieldTools.run(validator, ["--strict", folder.file("worker.yaml")])

        #expect(outcome.status != 0)
        #expect(outcome.output.contains("'terminationGracePeriod' was unexpected"), "\(outcome.output)")
    }

    @Test func scaledObjectUsesOnlyKEDAsDocumentedFields() throws {
        let scaled = try #require(try DeployFiles.objects(kind: "ScaledObject").first)
        #expect(KEDAFields.problems(scaledObject: scaled) == [])
        for authentication in try DeployFiles.objects(kind: "TriggerAuthentication") {
            #expect(KEDAFields.problems(triggerAuthentication: authentication) == [])
        }
    }

    @Test func theCheckOfKEDAsFieldsFindsAMistake() throws {
        var scaled = try #require(try DeployFiles.objects(kind: "ScaledObject").first)
        var spec = try #require(scaled["spec"] as? [String: Any])
        spec["minReplicas"] = 0
        var trigger = try #require(value(spec, at: ["triggers", 0]) as? [String: Any])
        var metadata = try #require(trigger["metadata"] as? [String: Any])
        metadata["targetQueryValue"] = 8
        trigger["metadata"] = metadata
        spec["triggers"] = [trigger]
        scaled["spec"] = spec

        #expect(KEDAFields.problems(scaledObject: scaled) == [
            "spec.minReplicas is not a field of ScaledObject",
            "trigger metadata targetQueryValue must be a string (KEDA reads metadata as strings)",
        ])
    }

    /// KEDA scales the worker Deployment, reads the database URL from the secret the pods read,
    /// scales it to zero, and a stopped pod gets the worker's --grace and a margin.
    @Test func scalerWorkerAndSecretFitTogether() throws {
        let scaled = try #require(try DeployFiles.objects(kind: "ScaledObject").first)
        let target = try #require(value(scaled, at: ["spec", "scaleTargetRef", "name"]) as? String)
        let worker = try DeployFiles.object(kind: "Deployment", name: target)
        let container = try #require(value(worker, at: ["spec", "template", "spec", "containers", 0]) as? [String: Any])
        let command = try #require(container["command"] as? [String])
        #expect(command.first == "illuminati-worker")
        #expect(!command.contains { $0.hasPrefix("--idle-exit") }, "a Deployment restarts a worker that exits")
        #expect(value(scaled, at: ["spec", "minReplicaCount"]) as? Int == 0)

        let grace = try #require(command.first { $0.hasPrefix("--grace=") }.flatMap { Double($0.dropFirst("--grace=".count)) })
        let termination = try #require(value(worker, at: ["spec", "template", "spec", "terminationGracePeriodSeconds"]) as? Int)
        #expect(Double(termination) >= grace + 5, "terminationGracePeriodSeconds \(termination) leaves no margin over --grace \(grace)")
        #expect(value(container, at: ["resources", "requests", "cpu"]) != nil && value(container, at: ["resources", "limits", "memory"]) != nil)

        let environment = try #require(container["env"] as? [[String: Any]])
        let url = try #require(environment.first { $0["name"] as? String == "DATABASE_URL" })
        let secret = try #require(value(url, at: ["valueFrom", "secretKeyRef"]) as? [String: Any])
        let authenticationName = try #require(value(scaled, at: ["spec", "triggers", 0, "authenticationRef", "name"]) as? String)
        let authentication = try DeployFiles.object(kind: "TriggerAuthentication", name: authenticationName)
        let reference = try #require(value(authentication, at: ["spec", "secretTargetRef", 0]) as? [String: Any])
        #expect(reference["parameter"] as? String == "connection")
        #expect(reference["name"] as? String == secret["name"] as? String)
        #expect(reference["key"] as? String == secret["key"] as? String)
    }
}
