import IlluminatiQueue
import Testing

@Suite struct PlanTests {
    func plan(_ layers: [LayerPlan], retry: RetryPolicy = RetryPolicy()) -> BuildPlan {
        BuildPlan(experimentID: 1, retry: retry, layers: layers)
    }

    @Test func validPlansPass() throws {
        try plan([LayerPlan(name: "s", stages: [jobs(1)]), LayerPlan(name: "p", after: ["s"], stages: [jobs(2), []])]).validate()
        #expect(plan([LayerPlan(name: "s", stages: [jobs(1), jobs(3)])]).jobCount == 4)
    }

    @Test func invalidPlansAreRejectedWithTheReason() {
        let cases: [(BuildPlan, String)] = [
            (plan([]), "at least one layer"),
            (plan([LayerPlan(name: "", stages: [jobs(1)])]), "layer names"),
            (plan([LayerPlan(name: "a", stages: [jobs(1)]), LayerPlan(name: "a", stages: [jobs(1)])]), "appears twice"),
            (plan([LayerPlan(name: "a", stages: [])]), "no stages"),
            (plan([LayerPlan(name: "a", after: ["b"], stages: [jobs(1)])]), "not another layer"),
            (plan([LayerPlan(name: "a", after: ["a"], stages: [jobs(1)])]), "not another layer"),
            (plan([LayerPlan(name: "a", after: ["b"], stages: [jobs(1)]), LayerPlan(name: "b", after: ["a"], stages: [jobs(1)])]),
             "cycle"),
            (plan([LayerPlan(name: "a", stages: [[JobSpec(kind: "")]])]), "job kinds"),
            (plan([LayerPlan(name: "a", stages: [[JobSpec(kind: "k", priority: 40000)]])]), "outside"),
            (plan([LayerPlan(name: "a", stages: [[JobSpec(kind: "k", maxRuntime: .zero)]])]), "runtime"),
            (plan([LayerPlan(name: "a", stages: [jobs(1)])], retry: RetryPolicy(maxAttempts: 0)), "max attempts"),
        ]
        for (plan, reason) in cases {
            #expect {
                try plan.validate()
            } throws: { error in
                guard case .invalidPlan(let message) = error as? QueueError else { return false }
                return message.contains(reason)
            }
        }
    }
}
