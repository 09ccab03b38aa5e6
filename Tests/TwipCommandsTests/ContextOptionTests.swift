import ArgumentParser
import Testing

@testable import TwipCommands

@Suite struct ContextOptionTests {
    @Test(arguments: [
        (["--context", "twip-lab", "public", "up", "--wait"], "twip-lab", ["public", "up", "--wait"]),
        (["--context=twip-lab", "status"], "twip-lab", ["status"]),
        (["-f", "x.yml", "--context", "lab", "ps"], "lab", ["-f", "x.yml", "ps"]),
        (["public", "up"], nil, ["public", "up"]),
        // After the command, `--context` is not the global option.
        (["bench", "--context", "x"], nil, ["bench", "--context", "x"]),
    ])
    func theLeadingContextOptionIsTakenOut(input: [String], context: String?, rest: [String]) throws {
        let (found, remaining) = try CLI.contextOption(input)
        #expect(found == context)
        #expect(remaining == rest)
    }

    @Test(arguments: [["--context"], ["--context="], ["--context", "", "status"]])
    func aContextOptionWithoutANameIsAUsageError(input: [String]) {
        #expect(throws: UsageError.self) { try CLI.contextOption(input) }
    }

    @Test(arguments: [
        ["lab", "up", "--nodes", "3", "--api-port", "19001", "--data", "data"], ["lab", "status", "--format", "json"],
        ["lab", "kill", "twip-lab-2"], ["lab", "start", "twip-lab-2"], ["lab", "rebalance"],
        ["lab", "down", "--lab", "labtest"],
    ])
    func everyLabCommandParses(arguments: [String]) throws {
        _ = try Twip.parseAsRoot(try CLI.rewrite(arguments))
    }
}
