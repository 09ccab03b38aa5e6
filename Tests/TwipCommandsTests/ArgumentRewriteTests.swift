import ArgumentParser
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

@Suite struct CommandParsingTests {
    @Test(arguments: [
        ["train", "logs", "-f", "web"], ["train", "up", "--wait", "--timeout", "60"], ["prod", "scale", "web=3"],
        ["prod", "ps", "--format", "json"], ["prod", "down", "--volumes"], ["train", "restart", "web"],
        ["train", "build", "-q"], ["train", "config"], ["-f", "x.yml", "up"], ["status", "--format", "json"],
        ["test", "train", "/Read.action"], ["train", "test", "/"],
        ["pack", "prod", "--registry", "r:5000", "--no-push"],
        ["clean", "all", "--base"], ["images"], ["setup"], ["base", "--force"], ["bench", "http://127.0.0.1:1/", "-k"],
        ["prod", "bench", "-n", "10", "-c", "2"],
    ])
    func everyCommandOfTheContractParses(arguments: [String]) throws {
        _ = try Twip.parseAsRoot(try CLI.rewrite(arguments))
    }
}
