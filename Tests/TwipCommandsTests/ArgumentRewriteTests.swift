import Testing

@testable import TwipCommands

@Suite struct ArgumentRewriteTests {
    @Test(arguments: [
        (["train", "up", "--wait"], ["up", "--env", "train", "--wait"]),
        (["-f", "x.yml", "config"], ["config", "--file", "x.yml"]),
        (["version"], ["version"]),
        (["--help"], ["--help"]),
    ])
    func environmentFormIsRewrittenToActionForm(input: [String], expected: [String]) throws {
        #expect(try CLI.rewrite(input) == expected)
    }

    @Test func missingActionAfterEnvironmentIsAUsageError() {
        #expect(throws: UsageError.self) { try CLI.rewrite(["train"]) }
    }
}
