import Testing
import TwipStack

/// Minimized reproducers of what `make fuzz` (tests/fuzz/fuzz_stacks.py) found.
@Suite struct FuzzFindingsTests {
    /// seed 2, case 525: a variable listed twice was written twice into the normalized stack, which then did
    /// not load again (duplicate key).
    @Test func aVariableListedTwiceKeepsItsLastValueAndTheNormalizedStackLoadsBack() throws {
        let stack = try loadText(
            "services:\n  web:\n    image: x\n    environment:\n      - A=1\n      - B=2\n      - A\n",
            environment: ["A": "from-process"]
        ).stack
        #expect(
            stack.services[0].environment == [
                EnvironmentVariable(name: "B", value: "2"), EnvironmentVariable(name: "A", value: "from-process"),
            ])
        #expect(try loadText(stack.normalizedYAML()).stack.services == stack.services)
    }

    /// seed 1, case 175: a stack file over the size limit was reported without a line and column.
    @Test func anOversizedStackIsReportedAtItsStart() {
        let found = problems(String(repeating: "#", count: (4 << 20) + 1))
        #expect(found == ["stacks/test.yml:1:1: the stack is larger than 4 MiB"])
    }

    /// seed 3, cases 588, 643 and 836: 60000 services, or a chain of 30000, took over 10 s to load and print in a
    /// debug build; a document now holds at most 100000 nodes, refused at the node that crosses the limit.
    @Test func tensOfThousandsOfServicesAreRefusedAtTheNodeThatCrossesTheLimit() {
        var yaml = "services:\n"
        for index in 0..<30_000 { yaml += "  s\(index):\n    image: x\n    depends_on: [s\(index + 1)]\n" }
        let clock = ContinuousClock()
        var found: [String] = []
        let elapsed = clock.measure { found = problems(yaml) }
        #expect(found.count == 1)
        #expect(found.first?.contains(": the document has more than 100000 values, keys and collections") == true)
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }
}

@Suite struct DependsOnFuzzFindingTests {
    /// Found by `make fuzz` (seed 2193995710): a name listed twice in depends_on's list form was written twice
    /// in the normalized mapping, which then did not load.
    @Test func aDependencyListedTwiceIsOneAndTheNormalizedStackLoadsBack() throws {
        let stack = try loadText(
            """
            services:
              web: {image: nginx, depends_on: [backend, backend, backend]}
              backend: {image: nginx}
            """
        ).stack
        #expect(stack.service(named: "web")?.dependsOn.map(\.service) == ["backend"])
        let again = try StackLoader(environment: [:]).load(yaml: stack.normalizedYAML(), path: stack.filePath).stack
        #expect(again.service(named: "web")?.dependsOn.map(\.service) == ["backend"])
    }
}

@Suite struct GlobalModeFuzzFindingTests {
    /// Found by `make fuzz` (seed 1, on stacks/public.yml): a global service was written with `replicas: 1`, which a
    /// global service refuses, so the normalized stack did not load.
    @Test func aGlobalServiceIsWrittenWithoutReplicasAndTheNormalizedStackLoadsBack() throws {
        let stack = try loadText(
            """
            x-twip: {orchestrator: swarm}
            services:
              proxy: {image: haproxy, deploy: {mode: global}}
              web: {image: nginx, deploy: {replicas: 2}}
            """
        ).stack
        let text = stack.normalizedYAML()
        #expect(!text.contains("replicas: 1"))
        #expect(text.contains("replicas: 2"))
        let again = try StackLoader(environment: [:]).load(yaml: text, path: stack.filePath).stack
        #expect(again.service(named: "proxy")?.deploy.swarm.mode == .global)
        #expect(again.service(named: "web")?.deploy.replicas == 2)
    }
}
