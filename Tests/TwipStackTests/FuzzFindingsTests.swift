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
}
